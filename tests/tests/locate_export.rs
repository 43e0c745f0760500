//! `facenmf locator export`: the Rust source holds every stump, feature and
//! stage of the cascade, in order, with the integer values the host evaluates.

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
}
