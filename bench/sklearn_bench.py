#!/usr/bin/env python3
"""scikit-learn's side of `facenmf bench`: GEMM rate, mu (the study's setting)
and cd (200 iterations) on the same data, marginal cost per iteration.
Prints one JSON object. Run with bench/.venv/bin/python."""
import argparse, json, time, warnings
import numpy as np
from sklearn_nmf import load


def fit(X, **kw):
    from sklearn.decomposition import NMF
    m = NMF(**kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        W = m.fit_transform(X)
        dt = time.perf_counter() - t
    return {"seconds": dt, "n_iter": int(m.n_iter_), "reconstruction_err": float(m.reconstruction_err_),
            "rel_error": float(m.reconstruction_err_ / np.linalg.norm(X))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--max-per-person", type=int, default=50)
    p.add_argument("--k", type=int, default=110)
    p.add_argument("--cd-iter", type=int, default=200)
    a = p.parse_args()
    X, _ = load(a.data, 255.0, a.max_per_person, 0)
    n, d = X.shape
    rng = np.random.default_rng(0)
    Ht = rng.random((d, a.k), dtype=np.float32)
    X @ Ht
    reps, t = 5, time.perf_counter()
    for _ in range(reps):
        X @ Ht
    gemm = 2 * n * d * a.k * reps / (time.perf_counter() - t) / 1e9
    out = {"n_samples": n, "n_features": d, "k": a.k, "gemm_gflops": gemm}
    out["mu"] = fit(X, n_components=a.k, solver="mu", max_iter=4000, tol=1e-4, random_state=0)
    out["cd"] = fit(X, n_components=a.k, solver="cd", max_iter=a.cd_iter, tol=0, random_state=0)
    # Marginal cost of an iteration: difference of two fixed-length runs.
    for s, (i0, i1) in {"mu": (10, 40), "cd": (5, 15)}.items():
        t0 = fit(X, n_components=a.k, solver=s, max_iter=i0, tol=0, random_state=0)["seconds"]
        t1 = fit(X, n_components=a.k, solver=s, max_iter=i1, tol=0, random_state=0)["seconds"]
        out[s]["seconds_per_iter"] = (t1 - t0) / (i1 - i0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
