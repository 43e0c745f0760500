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

/// The evaluation curves of every decision of a strangers experiment, with
/// each decision's operating points (thresholds chosen on the calibration
/// half); points closer than 0.005 in false-accept rate are merged.
pub fn strangers_chart(r: &super::strangers::Report) -> Chart {
    let mut series = Vec::new();
    for d in &r.decisions {
        let mut points: Vec<(f64, f64)> = Vec::new();
        for p in &d.curve.points {
            match points.last_mut() {
                Some(last) if p.false_accept - last.0 < 5e-3 => *last = (last.0, p.known_correct),
                _ => points.push((p.false_accept, p.known_correct)),
            }
        }
        series.push(Series {
            name: d.decision.clone(),
            points,
            scatter: false,
        });
    }
    series.extend(r.decisions.iter().map(|d| {
        Series {
            name: format!("{}: thresholds", d.decision),
            points: d
                .operating
                .iter()
                .map(|o| (o.false_accept, o.known_named))
                .collect(),
            scatter: true,
        }
    }));
    Chart {
        title: format!(
            "Open set: {} known people, {} + {} strangers",
            r.known_people, r.calibration_people, r.evaluation_people
        ),
        x_label: "Evaluation strangers accepted (false-accept rate)".into(),
        y_label: "Known people named correctly".into(),
        series,
    }
}

/// The curves of every decision as CSV: `decision,half,threshold,
/// known_correct,false_accept` (half: `calibration` or `evaluation`).
pub fn strangers_csv(r: &super::strangers::Report) -> String {
    let mut s = String::from("decision,half,threshold,known_correct,false_accept\n");
    for d in &r.decisions {
        for (half, c) in [
            ("calibration", &d.calibration_curve),
            ("evaluation", &d.curve),
        ] {
            for p in &c.points {
                s.push_str(&format!(
                    "{},{half},{:?},{},{}\n",
                    d.decision, p.threshold, p.known_correct, p.false_accept
                ));
            }
        }
    }
    s
}
