# within-budget variants of the sqrt (Hellinger) Fisher map: mirror test-time averaging, M, PCA fitted with calsingle too
from h import *
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
s = split(seed); T = Timer()
gD = fisher(s, P=250, M=150)
evaluate(gD, s, f's{seed} D + mirror-averaged probes/enrolment', tta=True)
gH = fisher(s, np.sqrt, P=250, M=150)
evaluate(gH, s, f's{seed} sqrt P250 M150 + mirror-averaged', tta=True)
for M in (100, 200, 249):
    evaluate(fisher(s, np.sqrt, P=250, M=M), s, f's{seed} sqrt P250 M{M}')
# PCA fitted on known + all calibration strangers (calsingle unlabelled too)
cidx = np.where(np.isin(st['y'], s['cal']))[0]
W, mu = pca_whiten(np.sqrt(np.vstack([tr['l'], st['l'][cidx]])), 250)
pre = lambda Z: l2n((np.sqrt(Z) - mu) @ W.T)
X, y, _ = train_set(s); A, b = lda_fit(pre(X), y, 1e-3, 150)
evaluate(lambda Z: pre(Z) @ A.T + b, s, f's{seed} sqrt P250 M150, PCA on known+all cal strangers')
print(T())
