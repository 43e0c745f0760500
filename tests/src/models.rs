//! Seeded models for tests: random but valid, of any shape.

use std::collections::BTreeMap;

use facenmf_host::features::FeatureChoice;
use facenmf_host::model::{
    gram_of, Geometry, Map, Method, MetricName, Model, Template, FORMAT_VERSION,
};
use facenmf_host::quant::{quantise, Quantised};

use crate::gen::Rng;

/// The shape of a random model.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Training frame width and height.
    pub frame: (usize, usize),
    /// Thumbnail width and height.
    pub thumb: (usize, usize),
    /// Components.
    pub k: usize,
    /// Rows of the linear map, or `None` for no map.
    pub m: Option<usize>,
    /// Templates.
    pub n: usize,
    /// People.
    pub classes: usize,
}

/// A random valid model of raw features: sparse non-negative basis, its
/// Gram matrix, a random map, random templates, every flag set.
pub fn random_model(seed: u64, shape: Shape) -> Model {
    random_model_of(seed, shape, FeatureChoice::Raw)
}

/// [`random_model`] over the given features (the basis is as wide as they
/// are long). Panics when they do not fit the thumbnail.
pub fn random_model_of(seed: u64, shape: Shape, features: FeatureChoice) -> Model {
    let mut rng = Rng::new(seed);
    let (w, h) = shape.thumb;
    let d = features
        .extractor(w, h)
        .expect("the features fit the thumbnail")
        .output_len();
    let mut basis: Vec<f32> = (0..shape.k * d)
        .map(|_| {
            if rng.uniform() < 0.5 {
                0.0
            } else {
                rng.uniform()
            }
        })
        .collect();
    for i in 0..shape.k {
        basis[i * d + i % d] += 0.5;
    }
    let gram = gram_of(&basis, shape.k, d);
    let map = shape.m.map(|m| Map {
        m,
        p: (0..m * shape.k).map(|_| rng.uniform() - 0.5).collect(),
        bias: (0..m).map(|_| rng.uniform() - 0.5).collect(),
    });
    let mdim = shape.m.unwrap_or(shape.k);
    let templates = (0..shape.n)
        .map(|i| Template {
            label: (i % shape.classes) as u16,
            vector: (0..mdim).map(|_| rng.uniform()).collect(),
        })
        .collect();
    let (fw, fh) = shape.frame;
    Model {
        format_version: FORMAT_VERSION,
        geometry: Geometry {
            frame_width: fw,
            frame_height: fh,
            crop: [0, 0, fw, fh],
            width: w,
            height: h,
        },
        features,
        method: Default::default(),
        k: shape.k,
        basis,
        gram,
        encoder_bias: Vec::new(),
        max_sweeps: 40,
        tol: 1e-4,
        sqrt: true,
        normalize: true,
        map,
        quant: None,
        templates,
        class_names: (0..shape.classes)
            .map(|c| format!("Person \"{c}\" Ünïcode"))
            .collect(),
        metric: MetricName::SquaredL2,
        neighbours: 1,
        threshold: Some(0.75),
        decision: None,
        split: None,
        provenance: BTreeMap::from([("dataset".to_string(), format!("random, seed {seed}"))]),
    }
}

/// `model` with its basis and map stored as i8 rows (the host's
/// quantisation, `facenmf_host::quant`): the f32 copies become the values
/// the rows stand for and the Gram matrix (of an NMF model) is theirs; the
/// templates and a linear stage's bias stay.
pub fn quantised(mut model: Model) -> Model {
    let (k, d) = (model.k, model.d());
    let basis = quantise(&model.basis, k, d).expect("finite basis");
    model.basis = basis.dequantised();
    if model.method == Method::Nmf {
        model.gram = gram_of(&model.basis, k, d);
    }
    let map = model.map.as_mut().map(|map| {
        let q = quantise(&map.p, map.m, k).expect("finite map");
        map.p = q.dequantised();
        q
    });
    model.quant = Some(Quantised { basis, map });
    model
}

/// `model` made a Fisherfaces model: its basis shifted to signed rows of a
/// linear stage (`code = W x + c`), a bias, no Gram matrix, no square root.
pub fn fisherfaces(mut model: Model, seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    model.method = Method::Fisherfaces;
    for v in &mut model.basis {
        *v -= 0.3;
    }
    model.gram = Vec::new();
    model.encoder_bias = (0..model.k).map(|_| rng.uniform() - 0.5).collect();
    model.sqrt = false;
    model
}
