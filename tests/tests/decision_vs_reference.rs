//! The open-set score of `facenmf-core` ([`facenmf_core::decision`], through
//! the gallery) against the obvious f64 expression of
//! `facenmf_host::reference::decision`.
//!
//! With small integer coordinates every squared-L2 distance is exact in f32
//! and f64, so the winner, its distance and the impostors kept are the
//! same, and the score differs only by the rounding of the mean (and the
//! deviation). With the default rule the score is the distance, bit for bit.

use facenmf_core::decision::{Form, Impostors, Rule, Score, MAX_IMPOSTORS};
use facenmf_core::gallery::{Gallery, Identity, Metric};
use facenmf_host::reference::{decision, knn};
use proptest::prelude::*;

const M: usize = 4;

fn small_int_vec() -> impl Strategy<Value = [f32; M]> {
    prop::array::uniform4((-3i8..=3).prop_map(f32::from))
}

fn templates() -> impl Strategy<Value = Vec<(u16, [f32; M])>> {
    prop::collection::vec((0u16..5, small_int_vec()), 1..30)
}

fn cohort() -> impl Strategy<Value = Vec<[f32; M]>> {
    prop::collection::vec(small_int_vec(), 0..40)
}

fn impostors() -> impl Strategy<Value = Impostors> {
    prop_oneof![
        Just(Impostors::RunnerUp),
        Just(Impostors::Cohort),
        Just(Impostors::Both),
        Just(Impostors::Symmetric)
    ]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![Just(Form::Difference), Just(Form::Ratio), Just(Form::Z)]
}

/// The largest `k` the rule accepts for that cohort, or `None`.
fn k_for(impostors: Impostors, form: Form, c: usize, wanted: usize) -> Option<usize> {
    let most = match impostors {
        Impostors::RunnerUp => 1,
        Impostors::Cohort | Impostors::Symmetric => c,
        Impostors::Both => c + 1,
    }
    .min(MAX_IMPOSTORS);
    let k = wanted.clamp(1, most.max(1));
    (k <= most && (form != Form::Z || k >= 2)).then_some(k)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn score_equals_the_f64_expression(
        t in templates(),
        c in cohort(),
        q in small_int_vec(),
        vote_k in 1usize..=4,
        impostors in impostors(),
        form in form(),
        wanted in 1usize..=MAX_IMPOSTORS,
        threshold in -3.0f32..3.0,
    ) {
        let Some(k) = k_for(impostors, form, c.len(), wanted) else {
            return Ok(());
        };
        let flat: Vec<f32> = if impostors == Impostors::RunnerUp {
            Vec::new()
        } else {
            c.iter().flatten().copied().collect()
        };
        let score = Score::Normalised { impostors, form, k };
        let rule = Rule::new_checked(score, &flat, M).unwrap();
        let mut gallery: Gallery<'_, M, 0> = Gallery::new_checked(&t).unwrap();
        gallery.set_rule(rule);
        gallery.set_threshold(threshold);
        let got = gallery.classify(&q, vote_k, Metric::SquaredL2).unwrap();

        let t64: Vec<(u16, Vec<f32>)> = t.iter().map(|(l, v)| (*l, v.to_vec())).collect();
        let c64: Vec<Vec<f32>> = if impostors == Impostors::RunnerUp {
            Vec::new()
        } else {
            c.iter().map(|v| v.to_vec()).collect()
        };
        let want = decision::score(&t64, &c64, &q, vote_k, knn::Metric::SquaredL2, impostors, form, k).unwrap();
        prop_assert_eq!(got.label, want.label);
        prop_assert_eq!(f64::from(got.distance), want.distance);
        let s = f64::from(got.score);
        if want.score.is_infinite() || want.score.is_nan() {
            prop_assert!(s == want.score || (s.is_nan() && want.score.is_nan()), "{} against {}", s, want.score);
        } else if impostors == Impostors::Symmetric && form == Form::Z {
            // Each side's deviation scales its own rounding: compare loosely.
            prop_assert!((s - want.score).abs() <= 1e-3 * (1.0 + want.score.abs()), "{} against {}", s, want.score);
        } else {
            let scale = match form {
                Form::Z => (1.0 + want.mean.unwrap_or(0.0).abs()) / want.sd,
                _ => 1.0 + want.mean.unwrap_or(0.0).abs(),
            };
            prop_assert!(
                (s - want.score).abs() <= 1e-5 * (1.0 + want.score.abs()) * scale,
                "kernel {} against f64 {} ({:?})", s, want.score, want
            );
        }
        let expected = if got.score <= threshold { Identity::Known(got.label) } else { Identity::Unknown };
        prop_assert_eq!(got.identity, expected);
    }

    #[test]
    fn cosine_score_is_near_the_f64_expression(
        t in prop::collection::vec((0u16..5, prop::array::uniform4(0.05f32..1.0)), 2..20),
        c in prop::collection::vec(prop::array::uniform4(0.05f32..1.0), 8..30),
        q in prop::array::uniform4(0.05f32..1.0),
        k in 1usize..=8,
    ) {
        let flat: Vec<f32> = c.iter().flatten().copied().collect();
        let rule = Rule::new_checked(
            Score::Normalised { impostors: Impostors::Both, form: Form::Difference, k },
            &flat,
            M,
        )
        .unwrap();
        let mut gallery: Gallery<'_, M, 0> = Gallery::new_checked(&t).unwrap();
        gallery.set_rule(rule);
        let got = gallery.classify(&q, 1, Metric::Cosine).unwrap();
        let t64: Vec<(u16, Vec<f32>)> = t.iter().map(|(l, v)| (*l, v.to_vec())).collect();
        let c64: Vec<Vec<f32>> = c.iter().map(|v| v.to_vec()).collect();
        let want = decision::score(&t64, &c64, &q, 1, knn::Metric::Cosine, Impostors::Both, Form::Difference, k).unwrap();
        // Near-equal cosines may pick another winner in f32 than in f64.
        prop_assume!(got.label == want.label);
        prop_assert!((f64::from(got.score) - want.score).abs() < 1e-5, "{} against {}", got.score, want.score);
    }

    #[test]
    fn default_rule_scores_the_distance_bit_for_bit(t in templates(), q in small_int_vec(), vote_k in 1usize..=4) {
        let gallery: Gallery<'_, M, 0> = Gallery::new_checked(&t).unwrap();
        for metric in [Metric::SquaredL2, Metric::Cosine] {
            let got = gallery.classify(&q, vote_k, metric).unwrap();
            prop_assert_eq!(got.score.to_bits(), got.distance.to_bits());
        }
    }
}
