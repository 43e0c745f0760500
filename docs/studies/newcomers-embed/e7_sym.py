# mirror symmetrisation variants of the sqrt (Hellinger) Fisher map
from h import *
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
s = split(seed); T = Timer()
fl = {id(tr['l']): tr['fl'], id(te['l']): te['fl'], id(st['l']): st['fl']}
idx = np.where(np.isin(st['y'], s['calmulti']))[0]
def sym_fit(P=250, M=150, a=0.5, fit_sym=True, where='feat'):
    tf = lambda x: np.power(x, a)
    if fit_sym:
        Xp = 0.5 * (tf(np.vstack([tr['l'], st['l'][idx]])) + tf(np.vstack([tr['fl'], st['fl'][idx]])))
    else:
        Xp = tf(np.vstack([tr['l'], st['l'][idx]]))
    W, mu = pca_whiten(Xp, P)
    pre1 = lambda F: l2n((F - mu) @ W.T)
    if fit_sym:
        Xl = np.vstack([tr['l'], st['l'][idx]]); Xf = np.vstack([tr['fl'], st['fl'][idx]])
        y = np.concatenate([tr['y'], st['y'][idx] + 100])
        A, b = lda_fit(pre1(0.5 * (tf(Xl) + tf(Xf))), y, 1e-3, M)
    else:
        X, y, _ = train_set(s); A, b = lda_fit(pre1(tf(X)), y, 1e-3, M)
    def g(Z):
        Fz = fl.get(id(Z))
        if Fz is None: return pre1(tf(Z)) @ A.T + b  # tr['fl'] (known gallery mirrored copies)
        return pre1(0.5 * (tf(Z) + tf(Fz))) @ A.T + b
    return g
evaluate(sym_fit(fit_sym=False), s, f's{seed} sqrt P250 M150, probe = mean of sqrt-hist of photo+mirror')
evaluate(sym_fit(fit_sym=True), s, f's{seed} sqrt P250 M150, symmetrised features (fit+probe)')
evaluate(sym_fit(fit_sym=True, a=0.6), s, f's{seed} x^0.6 P250 M150, symmetrised')
evaluate(sym_fit(fit_sym=True, P=200, M=150), s, f's{seed} sqrt P200 M150, symmetrised')
evaluate(sym_fit(fit_sym=True, P=300, M=150), s, f's{seed} sqrt P300 M150, symmetrised (over budget)')
print(T())
