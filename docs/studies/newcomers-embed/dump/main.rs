//! Study scratch (issue 18): LBP features of the seed-0 thumbnails shifted by one pixel (edge replicated),
//! and of their mirror images, for test-time view averaging.  Same data/split as /tmp/ncpy/nc_dump.rs.
use facenmf_host::chip::features_all;
use facenmf_host::data::source::{self, LoadOptions};
use facenmf_host::train::{self, Spec};
use std::io::Write;
fn w(path: &str, v: &[f32]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for x in v { f.write_all(&x.to_le_bytes()).unwrap(); }
}
fn xform(d: &facenmf_host::data::Dataset, dx: isize, dy: isize, flip: bool) -> Vec<f32> {
    let (wd, ht) = (d.width as isize, d.height as isize);
    let mut o = Vec::with_capacity(d.images.len());
    for img in d.images.chunks(d.height * d.width) {
        for y in 0..ht {
            for x in 0..wd {
                let xs = if flip { wd - 1 - x } else { x };
                let sx = (xs + dx).clamp(0, wd - 1); let sy = (y + dy).clamp(0, ht - 1);
                o.push(img[(sy * wd + sx) as usize]);
            }
        }
    }
    o
}
fn main() {
    let out = "/tmp/nc_shift";
    std::fs::create_dir_all(out).unwrap();
    let data = std::env::var("FACENMF_DATA").unwrap();
    let ds = source::load(format!("{data}/lfw_people_min20_r07").as_ref(), &LoadOptions { max_per_person: Some(50), ..Default::default() }).unwrap();
    let st = source::load(format!("{data}/lfw_people_1to9_r07").as_ref(), &LoadOptions::default()).unwrap();
    let mut spec = Spec::default();
    spec.seed = 0; spec.nmf.seed = 0;
    let (tr, te) = train::split(&ds, &spec).unwrap();
    let (th, tw) = (tr.height, tr.width);
    let crop = facenmf_core::thumbnail::Crop::full(st.width, st.height);
    let _ = crop;
    let sth = st.thumbnails(spec_crop(&spec, &st), th, tw).unwrap();
    eprintln!("thumb {}x{} tr {} te {} st {}", tw, th, tr.labels.len(), te.labels.len(), sth.labels.len());
    let ex = spec.features.extractor(tw, th).unwrap();
    for (name, set) in [("tr", &tr), ("te", &te), ("st", &sth)] {
        w(&format!("{out}/{name}_thumb.f32"), &set.images);
        for (k, (dx, dy)) in [(0isize, 0isize), (1, 0), (-1, 0), (0, 1), (0, -1)].iter().enumerate() {
            for flip in [false, true] {
                let f = features_all(&ex, &xform(set, *dx, *dy, flip)).unwrap();
                w(&format!("{out}/{name}_v{k}{}.f32", if flip { "f" } else { "" }), &f);
            }
        }
    }
}
fn spec_crop(spec: &Spec, d: &facenmf_host::data::Dataset) -> facenmf_core::thumbnail::Crop {
    let [x, y, width, height] = spec.crop.unwrap_or([0, 0, d.width, d.height]);
    facenmf_core::thumbnail::Crop { x, y, width, height }
}
