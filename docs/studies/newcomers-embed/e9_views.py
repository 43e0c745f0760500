# test-time view averaging: 1-px shifted thumbnails (edge replicated) x mirror, LBP of each (dump/ crate -> /tmp/nc_shift)
# views: v0 = as is, v1..v4 = shift +x,-x,+y,-y; 'f' = mirrored.  Optionally the shifted copies also augment the training.
from h import *
import json
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
which = sys.argv[2] if len(sys.argv) > 2 else 'all'
s = split(seed); T = Timer()
V = {}
for n, S in (('tr', tr), ('te', te), ('st', st)):
    for k in range(5):
        for f in ('', 'f'):
            V[(n, f'{k}{f}')] = np.fromfile(f'/tmp/nc_shift/{n}_v{k}{f}.f32', dtype=np.float32).reshape(-1, 1770)
name_of = {id(tr['l']): 'tr', id(te['l']): 'te', id(st['l']): 'st'}
idx = np.where(np.isin(st['y'], s['calmulti']))[0]
def fit(P=250, M=150, train_views=('0', '0f')):
    tf = np.sqrt
    W, mu = pca_whiten(tf(np.vstack([tr['l'], st['l'][idx]])), P)
    pre = lambda Z: l2n((tf(Z) - mu) @ W.T)
    X = np.vstack([V[('tr', v)] for v in train_views] + [V[('st', v)][idx] for v in train_views])
    y = np.concatenate([tr['y']] * len(train_views) + [st['y'][idx] + 100] * len(train_views))
    A, b = lda_fit(pre(X), y, 1e-3, M)
    return pre, A, b, tf
def make_g(pre, A, b, tf, views, how):
    def g(Z):
        n = name_of.get(id(Z))
        if n is None: return pre(Z) @ A.T + b            # tr['fl'] (known gallery's mirrored copies)
        if how == 'emb': return sum(pre(V[(n, v)]) @ A.T + b for v in views)
        # feature level: mean of the sqrt-histograms of the views, then one projection (squared back because pre takes sqrt)
        return pre((sum(tf(V[(n, v)]) for v in views) / len(views)) ** 2) @ A.T + b
    return g
out = {}
views_all = ['0', '0f', '1', '1f', '2', '2f', '3', '3f', '4', '4f']
views8 = ['0', '0f', '1', '1f', '2', '2f', '3', '3f']  # 8 projections fit 4 M multiply-adds
for tv_name, tv in (('train as before', ('0', '0f')), ('train + shifted copies', tuple(views_all))):
    pre, A, b, tf = fit(train_views=tv)
    for vname, views, how in (('photo+mirror, embeddings summed', ['0', '0f'], 'emb'),
                              ('5 shifts x mirror, sqrt-hists averaged (1 projection)', views_all, 'feat'),
                              ('4 shifts... 8 views, embeddings summed', views8, 'emb'),
                              ('5 shifts x mirror, embeddings summed (10 projections, over 4M MAC)', views_all, 'emb')):
        if which == 'short' and how == 'emb' and len(views) > 2: continue
        lab = f'{tv_name}; probe/enrol {vname}'
        out[lab] = evaluate(make_g(pre, A, b, tf, views, how), s, f's{seed} {lab}')
json.dump({k: {kk: float(vv) for kk, vv in v.items()} for k, v in out.items()}, open(f'e9_s{seed}.json', 'w'))
print(T())
