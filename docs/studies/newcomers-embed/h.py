# Harness for the issue-18 embedding study.  Reuses load.py beside it (the data dump + stranger split).
# Protocol (same as the project's openset / the prototype):
#  - known gallery: 62 LFW20 people, template = mean of the embeddings of their training photos + mirrored copies
#  - threshold: 5% accept on calsingle strangers (calibration people with 1 picture) vs the 62-known gallery, ratio d1/d2
#  - known named: LFW20 test probes vs 62-known gallery, right & score<=t
#  - FA: evaluation strangers who are not newcomers vs the 62-known gallery (FA grown: vs known+newcomers gallery)
#  - newcomers: eval people with 4..9 pictures, first 3 (after the seeded shuffle) enrol as the mean of their 3 embeddings,
#    gallery = 62 known + newcomers, probed with the rest; closed set = right template nearest; named = right & score<=t
import os, sys, time
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); os.environ.setdefault('MKL_NUM_THREADS', '1')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from load import tr, te, st, lbp, split
lbp()

def l2n(Z):
    return Z / (np.linalg.norm(Z, axis=1, keepdims=True) + 1e-12)

def cos_d(P, T):
    return 1 - l2n(P) @ l2n(T).T

def nearest(P, T, tl):
    D = cos_d(P, T); i = D.argmin(1); w = tl[i]; d = D[np.arange(len(P)), i]
    r = np.where(tl[None, :] == w[:, None], np.inf, D).min(1)
    return w, d, r

def train_set(s, flips=True, known=True, mapp=True):
    """rows of the training set: (X lbp, y).  known people labels 0..61, map people 100+stranger label."""
    idx = np.where(np.isin(st['y'], s['calmulti']))[0]
    Xs, ys = [], []
    if known:
        Xs += [tr['l']]; ys += [tr['y']]
        if flips: Xs += [tr['fl']]; ys += [tr['y']]
    if mapp:
        Xs += [st['l'][idx]]; ys += [st['y'][idx] + 100]
        if flips: Xs += [st['fl'][idx]]; ys += [st['y'][idx] + 100]
    return np.vstack(Xs), np.concatenate(ys), idx

def evaluate(g0, s, label='', verbose=True, fa_rate=0.05, tta=False):
    """g0: maps raw LBP rows (n,1770) -> embeddings (n,M).  tta: every probe/enrol photo = g(photo) + g(mirror)."""
    if tta:
        fl = {id(tr['l']): tr['fl'], id(te['l']): te['fl'], id(st['l']): st['fl']}
        g = lambda Z: g0(Z) + g0(fl[id(Z)])
    else:
        g = g0
    E_tr = g0(tr['l']); E_trf = g0(tr['fl'])
    V = np.vstack([E_tr, E_trf]); Y = np.concatenate([tr['y'], tr['y']])
    KT = np.stack([V[Y == c].mean(0) for c in range(62)]); kl = np.arange(62)
    E_st = g(st['l'])
    # threshold on calsingle strangers vs known gallery
    cal = np.isin(st['y'], s['calsingle'])
    _, dc, rc = nearest(E_st[cal], KT, kl); sc = np.sort(dc / rc)
    t = sc[int(np.floor(fa_rate * len(sc))) - 1]
    w, d, r = nearest(g(te['l']), KT, kl); kok = w == te['y']
    known_cs = kok.mean(); known_named = np.mean(kok & (d / r <= t))
    newp = np.array([st['y'][ix[0]] for ix in s['newc']])
    evn = np.isin(st['y'], s['ev']) & ~np.isin(st['y'], newp)
    _, de, re_ = nearest(E_st[evn], KT, kl); fa = np.mean(de / re_ <= t)
    NT, NL, PP, PL = [], [], [], []
    for j, ix in enumerate(s['newc']):
        NT.append(E_st[ix[:3]].mean(0)); NL.append(62 + j)
        PP.append(E_st[ix[3:]]); PL += [62 + j] * (len(ix) - 3)
    T = np.vstack([KT, np.array(NT)]); tl = np.concatenate([kl, NL]); P = np.vstack(PP); PL = np.array(PL)
    w, d, r = nearest(P, T, tl); ok = w == PL
    new_cs = ok.mean(); new_named = np.mean(ok & (d / r <= t))
    _, dg, rg = nearest(E_st[evn], T, tl); fa_g = np.mean(dg / rg <= t)
    # threshold chosen again at 5% on the calsingle strangers against the grown gallery (known + newcomers)
    _, dc2, rc2 = nearest(E_st[cal], T, tl); sc2 = np.sort(dc2 / rc2); t2 = sc2[int(np.floor(fa_rate * len(sc2))) - 1]
    new_named_re = np.mean(ok & (d / r <= t2)); fa_g2 = np.mean(dg / rg <= t2)
    res = dict(new_cs=new_cs, new_named=new_named, known_cs=known_cs, known_named=known_named, fa=fa, fa_grown=fa_g,
               new_named_re=new_named_re, fa_grown_re=fa_g2)
    if verbose:
        print(f'{label:60s} ' + ' '.join(f'{k} {100*v:5.1f}' for k, v in res.items()), flush=True)
    return res

def lda_fit(X, y, reg=1e-3, dims=None):
    X = X.astype(np.float64); k = X.shape[1]
    cls, inv = np.unique(y, return_inverse=True); mu = X.mean(0)
    cnt = np.bincount(inv).astype(float)
    M = np.zeros((len(cls), k)); np.add.at(M, inv, X); M /= cnt[:, None]
    dc = X - M[inv]; Sw = dc.T @ dc
    dm = (M - mu) * np.sqrt(cnt)[:, None]; Sb = dm.T @ dm
    Sw += reg * np.trace(Sw) / k * np.eye(k)
    s_, U = np.linalg.eigh(Sw); Wh = U @ np.diag(1 / np.sqrt(s_)) @ U.T
    Mb = Wh @ Sb @ Wh; e, V = np.linalg.eigh((Mb + Mb.T) / 2)
    m = min(len(cls) - 1, k) if dims is None else min(dims, k)
    A = (Wh @ V[:, ::-1][:, :m]).T
    b = -A @ mu
    return A, b

def pca_whiten(X, P):
    mu = X.mean(0); U, sv, Vt = np.linalg.svd(X - mu, full_matrices=False)
    W = Vt[:P] / (sv[:P, None] / np.sqrt(len(X) - 1))
    return W, mu

def fisher(s, tf=lambda x: x, P=250, M=150, reg=1e-3, pca_on='orig', flips=True):
    """Fisherfaces: tf (feature map) -> PCA-whiten P -> L2 -> LDA M.  PCA fitted on known train + map people originals."""
    idx = np.where(np.isin(st['y'], s['calmulti']))[0]
    Xp = tf(np.vstack([tr['l'], st['l'][idx]]))
    W, mu = pca_whiten(Xp, P)
    pre = lambda Z: l2n((tf(Z) - mu) @ W.T)
    X, y, _ = train_set(s, flips)
    A, b = lda_fit(pre(X), y, reg, M)
    g = lambda Z: pre(Z) @ A.T + b
    return g

def i8_bytes(rows, cols):
    return rows * cols + 4 * rows  # i8 weights + f32 per-row scale

class Timer:
    def __init__(s): s.t = time.time()
    def __call__(s): return f'{time.time()-s.t:.0f}s'
