#!/usr/bin/env python3
"""scikit-learn's side of `facenmf sweep`: the same work for each component
count k, timed as a whole.

For each k: NMF fitted on all images (transductive: split the codes, 1-NN)
and on the training split (inductive: `transform` train and test, 1-NN, and
the recipe sqrt -> L2 -> LDA -> nearest class mean, cosine); PCA-whiten
fitted on the training split (whitened and plain 1-NN, Fisherfaces: L2 ->
LDA -> nearest class mean) and on all images (both 1-NN). NMF options as
facenmf sweep's defaults: solver mu, init nndsvda, max_iter 400, tol 1e-4.

Prints one line per k and, last, one JSON object with the total seconds.
Run with bench/.venv/bin/python (bench/setup-venv.sh):

    bench/.venv/bin/python bench/sklearn_sweep.py --data ../shared/data/lfw_people_min20_r07 \
        --max-per-person 50 --components 10..=200:10
"""
import argparse, json, sys, time, warnings
import numpy as np
from sklearn_nmf import load


def parse_components(s):
    if ":" in s:
        rng, step = s.split(":")
        a, b = rng.split("..")
        incl = b.startswith("=")
        a, b = int(a), int(b.lstrip("="))
        return list(range(a, b + 1 if incl else b, int(step)))
    return [int(t) for t in s.split(",")]


def nn1(gallery, gy, test, metric="euclidean"):
    from sklearn.neighbors import KNeighborsClassifier
    return KNeighborsClassifier(n_neighbors=1, metric=metric).fit(gallery, gy).predict(test)


def lda_ncm(tr, ytr, te, cosine):
    """LDA fitted on tr, then the nearest class mean (cosine: on unit vectors)."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.neighbors import NearestCentroid
    lda = LinearDiscriminantAnalysis().fit(tr, ytr)
    ztr, zte = lda.transform(tr), lda.transform(te)
    if cosine:
        ztr, zte = norm(ztr), norm(zte)
    return NearestCentroid().fit(ztr, ytr).predict(zte)


def norm(z):
    n = np.linalg.norm(z, axis=1, keepdims=True)
    return z / np.where(n > 0, n, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--scale", type=float, default=255.0)
    p.add_argument("--max-per-person", type=int, default=50)
    p.add_argument("--components", default="10..=200:10")
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--max-iter", type=int, default=400)
    p.add_argument("--tol", type=float, default=1e-4)
    a = p.parse_args()
    from sklearn.decomposition import NMF, PCA
    from sklearn.model_selection import train_test_split
    X, y = load(a.data, a.scale, a.max_per_person, 0)
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=0.2, random_state=a.seed)
    rows, t0 = [], time.perf_counter()
    for k in parse_components(a.components):
        t = time.perf_counter()
        row = {"components": k}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nmf = dict(n_components=k, solver="mu", init="nndsvda", max_iter=a.max_iter, tol=a.tol, random_state=a.seed)
            W = NMF(**nmf).fit_transform(X)
            row["nmf_transductive"] = float(np.mean(nn1(W[tr], y[tr], W[te]) == y[te]))
            m = NMF(**nmf).fit(X[tr])
            ctr, cte = m.transform(X[tr]), m.transform(X[te])
            row["nmf_inductive"] = float(np.mean(nn1(ctr, y[tr], cte) == y[te]))
            rtr, rte = norm(np.sqrt(ctr)), norm(np.sqrt(cte))
            row["recipe_inductive"] = float(np.mean(lda_ncm(rtr, y[tr], rte, True) == y[te]))
            pw = PCA(n_components=k, whiten=True, svd_solver="randomized", random_state=a.seed).fit(X[tr])
            ztr, zte = pw.transform(X[tr]), pw.transform(X[te])
            row["pca_whiten_inductive"] = float(np.mean(nn1(ztr, y[tr], zte) == y[te]))
            s = np.sqrt(pw.explained_variance_)
            row["pca_inductive"] = float(np.mean(nn1(ztr * s, y[tr], zte * s) == y[te]))
            row["fisherfaces_inductive"] = float(np.mean(lda_ncm(norm(ztr), y[tr], norm(zte), False) == y[te]))
            pa = PCA(n_components=k, whiten=True, svd_solver="randomized", random_state=a.seed).fit(X)
            z = pa.transform(X)
            row["pca_whiten_transductive"] = float(np.mean(nn1(z[tr], y[tr], z[te]) == y[te]))
            s = np.sqrt(pa.explained_variance_)
            row["pca_transductive"] = float(np.mean(nn1(z[tr] * s, y[tr], z[te] * s) == y[te]))
        row["seconds"] = time.perf_counter() - t
        rows.append(row)
        print(" ".join(f"{key}={v:.4f}" if isinstance(v, float) else f"{key}={v}" for key, v in row.items()),
              file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    print(json.dumps({"n_samples": int(len(y)), "n_train": int(len(tr)), "n_test": int(len(te)),
                      "components": parse_components(a.components), "seconds": total, "rows": rows}))


if __name__ == "__main__":
    main()
