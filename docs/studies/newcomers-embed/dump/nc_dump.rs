//! Scratch: dumps the default model's prepared codes (seed 0) for prototyping.
use facenmf_host::chip::{features_all, Chip};
use facenmf_host::data::source::{self, LoadOptions};
use facenmf_host::train::{self, Spec};
use std::io::Write;
fn w(path: &str, v: &[f32]) {
    let mut f = std::fs::File::create(path).unwrap();
    for x in v {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
}
fn wl(path: &str, v: &[u16]) {
    let mut f = std::fs::File::create(path).unwrap();
    for x in v {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
}
fn main() {
    let out = "/tmp/nc";
    std::fs::create_dir_all(out).unwrap();
    let data = std::env::var("FACENMF_DATA").unwrap();
    let ds = source::load(
        format!("{data}/lfw_people_min20_r07").as_ref(),
        &LoadOptions {
            max_per_person: Some(50),
            ..Default::default()
        },
    )
    .unwrap();
    let st = source::load(
        format!("{data}/lfw_people_1to9_r07").as_ref(),
        &LoadOptions::default(),
    )
    .unwrap();
    let mut spec = Spec::default();
    spec.seed = 0;
    spec.nmf.seed = 0;
    let (model, rep) = train::train(&ds, &spec, Default::default()).unwrap();
    eprintln!("acc {} k {}", rep.accuracy, rep.k);
    let (tr, te) = train::split(&ds, &spec).unwrap();
    let chip = Chip::new(&model).unwrap();
    let g = &model.geometry;
    let sth = st.thumbnails(g.crop(), g.height, g.width).unwrap();
    let flip = |d: &facenmf_host::data::Dataset| -> Vec<f32> {
        let wd = d.width;
        let mut o = Vec::new();
        for img in d.images.chunks(d.height * wd) {
            for row in img.chunks(wd) {
                o.extend(row.iter().rev());
            }
        }
        o
    };
    for (name, set) in [("tr", &tr), ("te", &te), ("st", &sth)] {
        w(
            &format!("{out}/{name}_codes.f32"),
            &chip.prepared_codes(&set.images).unwrap(),
        );
        w(
            &format!("{out}/{name}_fcodes.f32"),
            &chip.prepared_codes(&flip(set)).unwrap(),
        );
        w(
            &format!("{out}/{name}_vec.f32"),
            &chip.vectors(set).unwrap(),
        );
        let ex = spec.features.extractor(set.width, set.height).unwrap();
        w(
            &format!("{out}/{name}_lbp.f32"),
            &features_all(&ex, &set.images).unwrap(),
        );
        w(
            &format!("{out}/{name}_flbp.f32"),
            &features_all(&ex, &flip(set)).unwrap(),
        );
        wl(&format!("{out}/{name}_labels.u16"), &set.labels);
    }
    // the model's map and templates
    let map = model.map.as_ref().unwrap();
    w(&format!("{out}/map.f32"), &map.p);
    w(&format!("{out}/bias.f32"), &map.bias);
    eprintln!(
        "k {} m {} templates {}",
        model.k,
        map.m,
        model.templates.len()
    );
}
