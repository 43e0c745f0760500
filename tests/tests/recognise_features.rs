//! The recogniser's chain thumbnail → features → encoder → projection →
//! gallery: with LBP features it gives the bits of the stages run one after
//! the other, with raw features the thumbnail goes to the encoder unchanged,
//! and stages that do not fit together are refused.

use facenmf_core::features::{FeatureExtractor, Features, Grid};
use facenmf_core::gallery::{Gallery, Metric};
use facenmf_core::recognise::Error;
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{Encoder, ModelError, Projection, Recogniser, StopRule, ThumbnailError};
use facenmf_tests::gen;

const K: usize = 6;
const RULE: StopRule = StopRule::new(40, 1e-6);

/// A 30 x 22 gray frame reduced to a 12 x 9 thumbnail.
fn thumbnailer() -> Thumbnailer {
    Thumbnailer::new_checked(30, 22, PixelFormat::Gray8, Crop::full(30, 22), 12, 9).unwrap()
}

fn frame(seed: u64) -> Vec<u8> {
    let mut rng = gen::Rng::new(seed);
    (0..30 * 22).map(|_| rng.below(256) as u8).collect()
}

/// A random basis over `d` features and its Gram matrix.
fn model(d: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = gen::Rng::new(seed);
    let h = gen::basis(&mut rng, K, d);
    let g = gen::gram(&h, K, d);
    (h, g)
}

/// The stages one after the other, by their own public calls.
fn by_hand(r: &Recogniser<'_, K, 0>, frame: &[u8]) -> (Vec<f32>, [f32; K], facenmf_core::Decision) {
    let t = r.thumbnailer();
    let mut thumb = vec![0.0; t.out_len()];
    t.run(frame, &mut thumb).unwrap();
    let mut x = vec![0.0; r.features().output_len()];
    r.features().run(&thumb, &mut x).unwrap();
    let mut code = [0.0; K];
    r.encoder().encode(&x, &mut code).unwrap();
    let y: [f32; K] = r
        .projection()
        .apply(&mut code, &mut [])
        .unwrap()
        .try_into()
        .unwrap();
    let decision = r.gallery.classify(&y, 1, Metric::Cosine).unwrap();
    let mut work = thumb;
    if !r.features().is_identity() {
        work.extend_from_slice(&x);
    }
    (work, y, decision)
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn lbp_chain_equals_the_stages_one_by_one() {
    let t = thumbnailer();
    let features = FeatureExtractor::new_checked(
        12,
        9,
        Features::Lbp {
            grid: Grid::new(3, 2),
            mirror: false,
            sqrt: false,
        },
    )
    .unwrap();
    let d = features.output_len();
    assert_eq!(d, 6 * 59);
    let (h, g) = model(d, 1);
    let encoder = Encoder::new_checked(&h, &g, K, d, RULE).unwrap();
    let projection = Projection::new_checked(K, true, true, None).unwrap();
    let templates: Vec<(u16, [f32; K])> = (0..K as u16)
        .map(|i| {
            let mut v = [0.1; K];
            v[usize::from(i)] = 1.0;
            (i, v)
        })
        .collect();
    let gallery = Gallery::new_checked(&templates).unwrap();
    let r: Recogniser<'_, K, 0> =
        Recogniser::new_checked(t, features, encoder, projection, gallery, 1, Metric::Cosine)
            .unwrap();
    assert_eq!(r.work_len(), 12 * 9 + d);
    for seed in 0..20 {
        let frame = frame(seed);
        let mut work = vec![f32::NAN; r.work_len()];
        let mut code = [0.0; K];
        let mut out = [0.0; K];
        let got = r.recognise(&frame, &mut work, &mut code, &mut out).unwrap();
        let (work_expected, y, decision) = by_hand(&r, &frame);
        assert_eq!(bits(&work), bits(&work_expected), "seed {seed}");
        assert_eq!(bits(&out), bits(&y), "seed {seed}");
        assert_eq!(got.decision, decision, "seed {seed}");
    }
}

#[test]
fn raw_chain_encodes_the_thumbnail() {
    let t = thumbnailer();
    let (h, g) = model(t.out_len(), 2);
    let encoder = Encoder::new_checked(&h, &g, K, t.out_len(), RULE).unwrap();
    let templates = [(7u16, [1.0; K])];
    let r: Recogniser<'_, K, 0> = Recogniser::new_checked(
        t,
        FeatureExtractor::raw(&t),
        encoder,
        Projection::identity(K),
        Gallery::new_checked(&templates).unwrap(),
        1,
        Metric::Cosine,
    )
    .unwrap();
    assert_eq!(r.work_len(), t.out_len());
    let frame = frame(3);
    let mut work = vec![0.0; r.work_len()];
    let (mut code, mut out) = ([0.0; K], [0.0; K]);
    r.recognise(&frame, &mut work, &mut code, &mut out).unwrap();
    let (work_expected, y, _) = by_hand(&r, &frame);
    assert_eq!(bits(&work), bits(&work_expected));
    assert_eq!(bits(&out), bits(&y));
    // The wrong working space is refused, naming the length it needs.
    let mut short = vec![0.0; r.work_len() - 1];
    assert_eq!(
        r.recognise(&frame, &mut short, &mut code, &mut out),
        Err(Error::Thumbnail(ThumbnailError::OutputLength {
            expected: 108,
            actual: 107
        }))
    );
}

#[test]
fn stages_that_do_not_fit_are_refused() {
    let t = thumbnailer();
    let build = |features: FeatureExtractor, d: usize| {
        let (h, g) = model(d, 4);
        let encoder = Encoder::new_checked(&h, &g, K, d, RULE).unwrap();
        Recogniser::<'_, K, 0>::new_checked(
            t,
            features,
            encoder,
            Projection::identity(K),
            Gallery::new(),
            1,
            Metric::Cosine,
        )
        .map(|_| ())
    };
    let lbp = |w, h| {
        FeatureExtractor::new_checked(
            w,
            h,
            Features::Lbp {
                grid: Grid::new(2, 2),
                mirror: false,
                sqrt: false,
            },
        )
        .unwrap()
    };
    // Features for a thumbnail of another size.
    assert_eq!(
        build(lbp(9, 12), 4 * 59),
        Err(Error::Model(ModelError::Length {
            what: "feature input width (thumbnail width)",
            expected: 12,
            actual: 9
        }))
    );
    assert_eq!(
        build(lbp(12, 10), 4 * 59),
        Err(Error::Model(ModelError::Length {
            what: "feature input height (thumbnail height)",
            expected: 9,
            actual: 10
        }))
    );
    // A basis over the thumbnail's pixels behind LBP features.
    assert_eq!(
        build(lbp(12, 9), 12 * 9),
        Err(Error::Model(ModelError::Length {
            what: "features (basis width D)",
            expected: 108,
            actual: 236
        }))
    );
    assert_eq!(build(lbp(12, 9), 4 * 59), Ok(()));
}
