//! The open-set curves as a chart.

use crate::plot::{Chart, Series};

use super::protocol::Report;

/// The curves as a chart: known people named correctly against strangers
/// accepted, for the calibration and the evaluation strangers, with the
/// chosen operating point.
pub fn chart(r: &Report) -> Chart {
    let line = |name: &str, c: &super::Curve| Series {
        name: name.to_string(),
        points: c
            .points
            .iter()
            .map(|p| (p.false_accept, p.known_correct))
            .collect(),
        scatter: false,
    };
    Chart {
        title: format!(
            "Open set: {} people enrolled, {} + {} strangers",
            r.people.enrolled.len(),
            r.people.calibration.len(),
            r.people.evaluation.len()
        ),
        x_label: "Strangers accepted (false-accept rate)".into(),
        y_label: "Known people named correctly".into(),
        series: vec![
            line("Held-out strangers", &r.curve),
            line("Calibration strangers", &r.calibration_curve),
            Series {
                name: format!("Threshold {:.3}", r.threshold),
                points: vec![(r.evaluation.false_accept, r.evaluation.known_correct)],
                scatter: true,
            },
        ],
    }
}
