//! `facenmf locator export`: the Rust source holds every stump, feature and
//! stage of the cascade, in order, with the integer values the host
//! evaluates; with a verifier every Haar node, tree and stage too, and the
//! table sized for the verifier's scratch; without one `verifier()` answers
//! `None` and no Haar table is written.

use facenmf_host::locate::config::{HostLocator, LocatorConfig};
use facenmf_host::locate::export::rust_source;
use facenmf_tests::opencv;

#[test]
fn exported_tables_hold_the_cascade() {
    if opencv::frontal_face_lbp().is_none() {
        return;
    }
    let loc = HostLocator::new(LocatorConfig::default(), 160, 120).unwrap();
    let text = rust_source(&loc).unwrap();
    let c = &loc.cascade;
    assert!(text.contains(&format!("pub const WEAKS: [LbpWeak; {}]", c.weaks.len())));
    assert!(text.contains(&format!(
        "pub const FEATURES: [LbpFeature; {}]",
        c.features.len()
    )));
    assert!(text.contains(&format!("pub const STAGES: [LbpStage; {}]", c.stages.len())));
    let weaks: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("LbpWeak {"))
        .collect();
    assert_eq!(weaks.len(), c.weaks.len());
    for (line, w) in weaks.iter().zip(&c.weaks) {
        assert!(line.contains(&format!("feature: {},", w.feature)), "{line}");
        assert!(line.contains(&format!("0x{:08x}", w.subset[7])), "{line}");
        assert!(
            line.contains(&format!("leaves: [{}, {}]", w.leaves[0], w.leaves[1])),
            "{line}"
        );
    }
    let stages: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("LbpStage {"))
        .collect();
    assert_eq!(stages.len(), c.stages.len());
    for (line, s) in stages.iter().zip(&c.stages) {
        assert!(
            line.contains(&format!(
                "first: {}, count: {}, threshold: {} ",
                s.first, s.count, s.threshold
            )),
            "{line}"
        );
    }
    assert!(text.contains(
        "pub const BOX_MAP: BoxMap = BoxMap { row: 0, col: 0, height: 4096, width: 4096 };"
    ));

    // The verifier (the default locator has one).
    let h = loc.haar.as_ref().expect("the default locator verifies");
    let v = loc.verifier().unwrap().unwrap();
    let core = loc.core().unwrap();
    assert!(text.contains(&format!(
        "pub const TABLE_LEN: usize = {};",
        v.table_len(&core)
    )));
    assert!(text.contains(&format!(
        "pub const HAAR_NODES: [HaarNode; {}]",
        h.nodes.len()
    )));
    assert!(text.contains(&format!("pub const HAAR_LEAVES: [i32; {}]", h.leaves.len())));
    let nodes: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("HaarNode {"))
        .collect();
    assert_eq!(nodes.len(), h.nodes.len());
    for (line, n) in nodes.iter().zip(&h.nodes) {
        let want = format!(
            "HaarNode {{ feature: {}, threshold: {}, left: {}, right: {} }}",
            n.feature, n.threshold, n.left, n.right
        );
        assert!(line.contains(&want), "{line}");
    }
    let features = text
        .lines()
        .filter(|l| l.trim_start().starts_with("HaarFeature {"))
        .count();
    assert_eq!(features, h.features.len());
    let trees = text
        .lines()
        .filter(|l| l.trim_start().starts_with("HaarWeak {"))
        .count();
    assert_eq!(trees, h.weaks.len());
    assert!(text.contains("pub fn verifier() -> Result<Option<Verifier<'static>>, LocateError>"));

    let plain = HostLocator::new(
        LocatorConfig {
            verifier: None,
            ..LocatorConfig::default()
        },
        160,
        120,
    )
    .unwrap();
    let text = rust_source(&plain).unwrap();
    assert!(!text.contains("HAAR_"));
    assert!(text.contains("Ok(None)"));
    assert!(text.contains(&format!(
        "pub const TABLE_LEN: usize = {};",
        plain.core().unwrap().table_len()
    )));
}
