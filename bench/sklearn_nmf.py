#!/usr/bin/env python3
"""scikit-learn's side of facenmf's parity tests and benchmarks.

Reads a raw dataset cache (images.u8, labels.u8, meta.json, see
shared/data/README.md), fits sklearn.decomposition.NMF with the given options
and prints one JSON object: reconstruction_err, rel_error, n_iter, seconds,
sklearn version. With --w0/--h0 (raw little-endian float32, row-major) the fit
starts from those factors (init='custom'), as the parity tests need.

Run it with bench/.venv/bin/python (made by bench/setup-venv.sh).
"""
import argparse, json, sys, time, warnings
import numpy as np


def load(data, scale, max_per_person, rows):
    m = json.load(open(f"{data}/meta.json"))
    X = np.fromfile(f"{data}/images.u8", np.uint8).reshape(m["n"], m["height"] * m["width"])
    y = np.fromfile(f"{data}/labels.u8", np.uint8)
    if max_per_person:
        keep, seen = [], {}
        for i, c in enumerate(y):
            seen[c] = seen.get(c, 0) + 1
            if seen[c] <= max_per_person:
                keep.append(i)
        X, y = X[keep], y[keep]
    if rows:
        X, y = X[:rows], y[:rows]
    return X.astype(np.float32) / np.float32(scale), y


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--scale", type=float, default=255.0)
    p.add_argument("--max-per-person", type=int, default=0)
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--solver", default="cd")
    p.add_argument("--beta-loss", default="frobenius")
    p.add_argument("--init", default=None)
    p.add_argument("--w0")
    p.add_argument("--h0")
    p.add_argument("--max-iter", type=int, default=200)
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--alpha-w", type=float, default=0.0)
    p.add_argument("--l1-ratio", type=float, default=0.0)
    p.add_argument("--repeat", type=int, default=1, help="fit this many times, report the fastest")
    a = p.parse_args()

    import sklearn
    from sklearn.decomposition import NMF
    from threadpoolctl import threadpool_info

    X, _ = load(a.data, a.scale, a.max_per_person, a.rows)
    n, d = X.shape
    kw = dict(n_components=a.k, solver=a.solver, beta_loss=a.beta_loss, max_iter=a.max_iter, tol=a.tol,
              random_state=a.seed, alpha_W=a.alpha_w, l1_ratio=a.l1_ratio)
    fit_kw = {}
    if a.w0:
        kw["init"] = "custom"
        fit_kw["W"] = np.fromfile(a.w0, "<f4").reshape(n, a.k).copy()
        fit_kw["H"] = np.fromfile(a.h0, "<f4").reshape(a.k, d).copy()
    elif a.init:
        kw["init"] = a.init
    best = None
    for _ in range(a.repeat):
        model = NMF(**kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            W = model.fit_transform(X, **{k: v.copy() for k, v in fit_kw.items()})
            dt = time.perf_counter() - t
        if best is None or dt < best[0]:
            best = (dt, model, W)
    dt, model, W = best
    H = model.components_
    rel = float(np.linalg.norm(X - W @ H) / np.linalg.norm(X))
    json.dump({
        "sklearn": sklearn.__version__,
        "n_samples": n, "n_features": d,
        "reconstruction_err": float(model.reconstruction_err_),
        "rel_error": rel,
        "n_iter": int(model.n_iter_),
        "seconds": dt,
        "blas": [i.get("internal_api") for i in threadpool_info()],
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
