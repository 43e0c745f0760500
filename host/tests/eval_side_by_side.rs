//! A sweep fits the two protocols side by side: `eval_nmf` must give the
//! same answers as with the fits one after the other.

use facenmf_core::nnls::StopRule;
use facenmf_host::eval::{eval_nmf, EvalConfig, Recipe};
use facenmf_host::learn::knn::Metric;
use facenmf_host::nmf::{NmfParams, Solver};
use facenmf_host::synthetic;

#[test]
fn fits_side_by_side_give_the_same_answers() {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 6,
        per_person: 10,
        seed: 3,
        ..Default::default()
    });
    let split = ds.train_test_split(0.3, 4, true).unwrap();
    let cfg = EvalConfig {
        nmf: NmfParams {
            n_components: 10,
            solver: Solver::Mu,
            max_iter: 400,
            ..NmfParams::default()
        },
        knn_k: 1,
        metric: Metric::SquaredL2,
        transform_rule: StopRule::new(200, 1e-4),
        recipe: Some(Recipe::default()),
        inductive: true,
        transductive: true,
        sketches: None,
        side_by_side: false,
    };
    let run = |side_by_side| {
        let cfg = EvalConfig {
            side_by_side,
            ..cfg.clone()
        };
        eval_nmf(&ds, &split.train_indices, &split.test_indices, &cfg).unwrap()
    };
    let (one, both) = (run(false), run(true));
    assert!(one.accuracy.inductive.is_some() && one.accuracy.transductive.is_some());
    assert_eq!(one.accuracy.inductive, both.accuracy.inductive);
    assert_eq!(one.accuracy.transductive, both.accuracy.transductive);
    assert_eq!(one.recipe_accuracy, both.recipe_accuracy);
    assert_eq!(
        (one.n_iter, one.rel_error.to_bits()),
        (both.n_iter, both.rel_error.to_bits())
    );
}
