//! The recipe's ensemble of NMF bases: `eval_nmf` with `ensemble: 2` equals
//! the obvious computation — fit with the seed and the next one, encode, add
//! each basis' distances to the classes (its decision), take the nearest.

use facenmf_core::nnls::StopRule;
use facenmf_host::eval::{eval_nmf, nearest, rows, EvalConfig, Recipe};
use facenmf_host::learn::augment::Augment;
use facenmf_host::learn::knn::{accuracy, Metric};
use facenmf_host::nmf::{self, NmfParams, Solver};
use facenmf_host::synthetic;

#[test]
fn an_ensemble_of_two_bases_adds_their_distances() {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 6,
        per_person: 10,
        seed: 5,
        ..Default::default()
    });
    let split = ds.train_test_split(0.3, 2, true).unwrap();
    let (tr, te) = (&split.train_indices, &split.test_indices);
    let (d, k, classes) = (ds.pixels(), 12, ds.class_names.len());
    let recipe = Recipe {
        augment: Augment {
            flip: true,
            ..Augment::NONE
        },
        ensemble: 2,
        ..Recipe::default()
    };
    let cfg = EvalConfig {
        nmf: NmfParams {
            n_components: k,
            solver: Solver::Hals,
            max_iter: 60,
            seed: 7,
            ..NmfParams::default()
        },
        knn_k: 1,
        metric: Metric::SquaredL2,
        transform_rule: StopRule::new(200, 1e-4),
        recipe: Some(recipe),
        inductive: true,
        transductive: false,
        sketches: None,
        side_by_side: false,
    };
    let got = eval_nmf(&ds, tr, te, &cfg)
        .unwrap()
        .recipe_accuracy
        .unwrap();

    let (xtr, xte) = (rows(&ds.images, d, tr), rows(&ds.images, d, te));
    let ytr: Vec<u16> = tr.iter().map(|&i| ds.labels[i]).collect();
    let yte: Vec<u16> = te.iter().map(|&i| ds.labels[i]).collect();
    let mut sum = vec![0.0f32; te.len() * classes];
    let mut single = Vec::new();
    for seed in [7, 8] {
        let p = NmfParams {
            seed,
            ..cfg.nmf.clone()
        };
        let fit = nmf::fit(&xtr, tr.len(), d, &p).unwrap();
        let enc = |x: &[f32], n| {
            nmf::transform::transform(x, n, &fit.h, k, d, cfg.transform_rule).map(|c| c.w)
        };
        let (ctr, cte) = (enc(&xtr, tr.len()).unwrap(), enc(&xte, te.len()).unwrap());
        let (ctr, ylab) = recipe
            .augment
            .with_copies(ctr, &xtr, &ytr, (ds.height, ds.width), enc)
            .unwrap();
        let dist = recipe.distances(&ctr, &ylab, &cte, k, classes).unwrap();
        single.push(recipe.run(&ctr, &ylab, &cte, &yte, k, classes).unwrap());
        for (s, v) in sum.iter_mut().zip(dist) {
            *s += v;
        }
    }
    let want = accuracy(&nearest(&sum, classes), &yte);
    assert_eq!(
        got, want,
        "ensemble {got} vs by hand {want} (members {single:?})"
    );
    // With one basis, eval_nmf's recipe is the first member's.
    let one = Recipe {
        ensemble: 1,
        ..recipe
    };
    let cfg1 = EvalConfig {
        recipe: Some(one),
        ..cfg.clone()
    };
    let got1 = eval_nmf(&ds, tr, te, &cfg1)
        .unwrap()
        .recipe_accuracy
        .unwrap();
    assert_eq!(got1, single[0]);
}
