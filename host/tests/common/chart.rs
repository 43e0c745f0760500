//! The chart both plot tests draw: two series (a line and a scatter at half
//! its height) over `points`.

use facenmf_host::plot::{Chart, Series};

pub fn chart(points: Vec<(f64, f64)>) -> Chart {
    Chart {
        title: "accuracy against components".into(),
        x_label: "components".into(),
        y_label: "accuracy (%)".into(),
        series: vec![
            Series {
                name: "NMF".into(),
                points: points.clone(),
                scatter: false,
            },
            Series {
                name: "PCA".into(),
                points: points.iter().map(|&(x, y)| (x, y / 2.0)).collect(),
                scatter: true,
            },
        ],
    }
}
