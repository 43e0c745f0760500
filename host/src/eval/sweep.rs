//! The sweep's rows over component counts, as a chart and as CSV.

/// One row of the sweep.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SweepRow {
    /// Components.
    pub components: usize,
    /// NMF result.
    pub nmf: super::NmfEval,
    /// PCA result.
    pub pca: Option<super::PcaEval>,
}

/// The sweep's chart: accuracy (%) against the number of components, one line
/// per method and protocol that was run (NMF and PCA 1-NN under both
/// protocols, PCA-whiten, and the inductive LDA recipes: NMF's, Fisherfaces
/// and Fisherfaces given the recipe's copies and decision).
pub fn sweep_chart(rows: &[SweepRow], title: &str) -> crate::plot::Chart {
    type Pick = fn(&SweepRow) -> Option<f64>;
    let lines: [(&str, Pick); 9] = [
        ("NMF, 1-NN, inductive", |r| r.nmf.accuracy.inductive),
        ("NMF, 1-NN, transductive", |r| r.nmf.accuracy.transductive),
        ("PCA, 1-NN, inductive", |r| {
            r.pca.as_ref()?.accuracy.inductive
        }),
        ("PCA, 1-NN, transductive", |r| {
            r.pca.as_ref()?.accuracy.transductive
        }),
        ("PCA-whiten, 1-NN, inductive", |r| {
            r.pca.as_ref()?.whiten_accuracy.inductive
        }),
        ("PCA-whiten, 1-NN, transductive", |r| {
            r.pca.as_ref()?.whiten_accuracy.transductive
        }),
        ("NMF recipe (LDA, Parzen)", |r| r.nmf.recipe_accuracy),
        ("Fisherfaces", |r| r.pca.as_ref().map(|p| p.fisherfaces)),
        ("Fisherfaces + copies, Parzen", |r| {
            r.pca.as_ref()?.fisherfaces_augmented
        }),
    ];
    let series = lines
        .iter()
        .map(|(name, pick)| crate::plot::Series {
            name: (*name).to_string(),
            points: rows
                .iter()
                .filter_map(|r| pick(r).map(|a| (r.components as f64, 100.0 * a)))
                .collect(),
            scatter: false,
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    crate::plot::Chart {
        title: title.to_string(),
        x_label: "Components k".to_string(),
        y_label: "Accuracy on the test split (%)".to_string(),
        series,
    }
}

/// The sweep's table as CSV (one row a component count; empty cells for
/// what was not run).
pub fn sweep_csv(rows: &[SweepRow]) -> String {
    use std::fmt::Write as _;
    let mut f = String::from(
        "components,fit_seconds,n_iter,rel_error,nmf_inductive,nmf_transductive,recipe_inductive,pca_inductive,pca_transductive,pca_whiten_inductive,pca_whiten_transductive,fisherfaces_inductive,fisherfaces_augmented_inductive\n",
    );
    let o = |v: Option<f64>| v.map_or(String::new(), |a| format!("{a:.4}"));
    for r in rows {
        let p = r.pca.as_ref();
        let _ = writeln!(
            f,
            "{},{:.3},{},{:.5},{},{},{},{},{},{},{},{},{}",
            r.components,
            r.nmf.fit_seconds,
            r.nmf.n_iter,
            r.nmf.rel_error,
            o(r.nmf.accuracy.inductive),
            o(r.nmf.accuracy.transductive),
            o(r.nmf.recipe_accuracy),
            o(p.and_then(|p| p.accuracy.inductive)),
            o(p.and_then(|p| p.accuracy.transductive)),
            o(p.and_then(|p| p.whiten_accuracy.inductive)),
            o(p.and_then(|p| p.whiten_accuracy.transductive)),
            o(p.map(|p| p.fisherfaces)),
            o(p.and_then(|p| p.fisherfaces_augmented)),
        );
    }
    f
}
