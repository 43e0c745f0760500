//! Charts render to a PNG of the documented size with each series' colour
//! and text, and refuse to plot nothing or NaN.

#[path = "common/chart.rs"]
mod common_chart;

use common_chart::chart;
use facenmf_host::plot::{write, Chart};

#[test]
fn chart_is_a_png_with_both_series() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.png");
    write(
        &chart(vec![(10.0, 20.0), (50.0, 45.5), (110.0, 60.0)]),
        &path,
    )
    .unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (960, 560));
    let has = |c: [u8; 3]| buf.chunks(3).any(|p| p == c);
    assert!(
        has([31, 119, 180]) && has([214, 39, 40]),
        "a series colour is missing"
    );
    // Text was drawn: dark, non-colour pixels exist left of the plot (axis labels).
    let dark = buf.chunks(3).filter(|p| p.iter().all(|&v| v < 60)).count();
    assert!(dark > 500, "only {dark} dark pixels: no text?");
}

#[test]
fn nothing_or_nan_is_refused_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.png");
    assert!(write(
        &Chart {
            series: vec![],
            ..chart(vec![])
        },
        &path
    )
    .is_err());
    assert!(write(&chart(vec![(1.0, f64::NAN)]), &path).is_err());
    assert!(!path.exists());
}
