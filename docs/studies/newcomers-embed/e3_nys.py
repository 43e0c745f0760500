# Nystrom kernel maps against <=250 anchor histograms, then (L2) -> LDA
from h import *
from sklearn.cluster import MiniBatchKMeans
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
s = split(seed); T = Timer()
idx = np.where(np.isin(st['y'], s['calmulti']))[0]
Xfit = np.vstack([tr['l'], st['l'][idx]])
rng = np.random.RandomState(0)
def chi2_add(X, A):  # additive chi2 kernel sum 2xy/(x+y)
    out = np.empty((len(X), len(A)))
    for i in range(0, len(X), 256):
        x = X[i:i+256, None, :]; num = 2 * x * A[None]; den = x + A[None]
        out[i:i+256] = np.where(den > 0, num / np.where(den > 0, den, 1), 0).sum(-1)
    return out
def chi2_dist(X, A):
    out = np.empty((len(X), len(A)))
    for i in range(0, len(X), 256):
        x = X[i:i+256, None, :]; num = (x - A[None])**2; den = x + A[None]
        out[i:i+256] = np.where(den > 0, num / np.where(den > 0, den, 1), 0).sum(-1)
    return out
def nys(kern, m=250, anchors='kmeans', M=150, white=True, tf=lambda x: x, label=''):
    Xf = tf(Xfit)
    if anchors == 'kmeans':
        A = MiniBatchKMeans(m, random_state=0, n_init=3, batch_size=2048).fit(Xf).cluster_centers_
    else:
        A = Xf[rng.choice(len(Xf), m, replace=False)]
    Kmm = kern(A, A); e, U = np.linalg.eigh((Kmm + Kmm.T) / 2); e = np.maximum(e, 1e-8 * e.max())
    Wn = U @ np.diag(e ** -0.5) @ U.T if white else np.eye(m)
    Kf = kern(Xf, A) @ Wn
    mu = Kf.mean(0)
    pre = lambda Z: l2n(kern(tf(Z), A) @ Wn - mu)
    X, y, _ = train_set(s)
    Ald, b = lda_fit(pre(X), y, 1e-3, M)
    cache = {}
    def g(Z):
        k = id(Z)
        return pre(Z) @ Ald.T + b
    evaluate(g, s, f's{seed} Nystrom {label} m{m} {anchors} M{M}')
med = None
def rbf_chi2(gam):
    return lambda X, A: np.exp(-gam * chi2_dist(X, A))
# scale: median chi2 distance
d = chi2_dist(Xfit[:200], Xfit[200:400]); med = np.median(d); print('median chi2 dist', med)
nys(chi2_add, label='additive-chi2')
nys(rbf_chi2(1 / med), label='exp(-chi2/median)')
nys(rbf_chi2(0.5 / med), label='exp(-chi2/(2median))')
nys(lambda X, A: np.sqrt(X) @ np.sqrt(A).T, label='linear Hellinger (sanity)')
print(T())
