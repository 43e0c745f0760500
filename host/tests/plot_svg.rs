//! An SVG chart keeps its texts in mixed case. Its own test binary: the
//! first chart a process draws must register the font itself.

#[path = "common/chart.rs"]
mod common_chart;

use common_chart::chart;
use facenmf_host::plot::write;

#[test]
fn svg_keeps_titles_legend_and_series() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.svg");
    write(
        &chart(vec![(10.0, 20.0), (50.0, 45.5), (110.0, 60.0)]),
        &path,
    )
    .unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    for text in [
        "accuracy against components",
        "components",
        "accuracy (%)",
        "NMF",
        "PCA",
    ] {
        assert!(svg.contains(text), "the SVG lacks `{text}`");
    }
    assert!(
        svg.contains("#1F77B4")
            || svg.contains("rgb(31,119,180)")
            || svg.to_lowercase().contains("#1f77b4")
    );
}
