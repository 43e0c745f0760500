# Small MLP identity classifier over known + map people (mirrored copies as augmentation); embedding = last hidden layer.
# usage: e4_mlp.py seed mode key=val ...   mode: val (train on 80% of map people, report validation on the held-out 20%)
#                                                 final (train on all map people, report the evaluation protocol)
from h import *
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
seed = int(sys.argv[1]); mode = sys.argv[2]
cfg = dict(h1=256, emb=128, loss='cosface', s=30.0, m=0.25, epochs=60, lr=1e-3, wd=5e-4, drop_in=0.2, drop=0.3,
           bs=256, feat='sqrt', pca=0, lda=0, tseed=0, bn_emb=1)
for a in sys.argv[3:]:
    k, v = a.split('='); cfg[k] = type(cfg[k])(v) if not isinstance(cfg[k], str) else v
s = split(seed); T = Timer()
tf = np.sqrt if cfg['feat'] == 'sqrt' else (lambda x: x)
mp = s['calmulti'].copy()
if mode == 'val':
    r = np.random.RandomState(1000 + seed); r.shuffle(mp); nv = len(mp) // 3
    valp, mp = np.sort(mp[:nv]), np.sort(mp[nv:])
s_tr = dict(s); s_tr['calmulti'] = mp
X, y, idx = train_set(s_tr)
cls, yi = np.unique(y, return_inverse=True)
Xt = tf(X).astype(np.float32)
mu = Xt.mean(0); sd = Xt.std() + 1e-8
if cfg['pca']:
    W, pmu = pca_whiten(tf(np.vstack([tr['l'], st['l'][idx]])), cfg['pca'])
    pre = lambda Z: ((tf(Z) - pmu) @ W.T).astype(np.float32)
else:
    pre = lambda Z: ((tf(Z) - mu) / sd).astype(np.float32)
Xin = torch.tensor(pre(X)); Y = torch.tensor(yi)
din = Xin.shape[1]
torch.manual_seed(cfg['tseed'])
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.d0 = nn.Dropout(cfg['drop_in']); s.l1 = nn.Linear(din, cfg['h1']); s.b1 = nn.BatchNorm1d(cfg['h1'])
        s.d1 = nn.Dropout(cfg['drop'])
        if cfg['emb']:
            s.l2 = nn.Linear(cfg['h1'], cfg['emb']); s.b2 = nn.BatchNorm1d(cfg['emb']) if cfg['bn_emb'] else nn.Identity()
        E = cfg['emb'] or cfg['h1']
        s.W = nn.Parameter(torch.randn(len(cls), E) * 0.01)
    def embed(s, x):
        h = s.d1(F.relu(s.b1(s.l1(s.d0(x)))))
        return s.b2(s.l2(h)) if cfg['emb'] else h
    def forward(s, x, yy):
        e = s.embed(x)
        if cfg['loss'] == 'softmax':
            return F.cross_entropy(e @ s.W.T, yy)
        c = F.normalize(e) @ F.normalize(s.W).T
        if cfg['loss'] == 'cosface':
            c = c - cfg['m'] * F.one_hot(yy, len(cls))
        elif cfg['loss'] == 'arcface':
            th = torch.acos(c.clamp(-1 + 1e-6, 1 - 1e-6)); c = torch.where(F.one_hot(yy, len(cls)).bool(), torch.cos(th + cfg['m']), c)
        return F.cross_entropy(cfg['s'] * c, yy)
net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=cfg['lr'], weight_decay=cfg['wd'])
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg['lr'], total_steps=cfg['epochs'] * ((len(Xin) + cfg['bs'] - 1) // cfg['bs']))
def emb_fn(Z):
    net.eval()
    with torch.no_grad():
        out = torch.cat([net.embed(torch.tensor(pre(Z[i:i+2048]))) for i in range(0, len(Z), 2048)]).numpy().astype(np.float64)
    return out
def val_cs(g):
    # held-out map people with >=4 pictures: enrol 3 (seeded shuffle), probe the rest, gallery = 62 known + them; closed set
    r = np.random.RandomState(7); Ek = g(np.vstack([tr['l'], tr['fl']])); yk = np.concatenate([tr['y'], tr['y']])
    KT = np.stack([Ek[yk == c].mean(0) for c in range(62)])
    NT, PP, PL = [], [], []
    for j, p in enumerate(valp):
        ix = np.where(st['y'] == p)[0]
        if len(ix) < 4: continue
        ix = ix.copy(); r.shuffle(ix); E = g(st['l'][ix]); NT.append(E[:3].mean(0)); PP.append(E[3:]); PL += [62 + j] * (len(ix) - 3)
    Tm = np.vstack([KT] + NT); tl = np.concatenate([np.arange(62), 62 + np.array([j for j, p in enumerate(valp) if (st['y'] == p).sum() >= 4])])
    w, _, _ = nearest(np.vstack(PP), Tm, tl)
    # second, larger figure: every held-out person with >=2 pictures enrolled from 1 photo
    NT1, PP1, PL1 = [], [], []
    for j, p in enumerate(valp):
        ix = np.where(st['y'] == p)[0]; E = g(st['l'][ix]); NT1.append(E[:1]); PP1.append(E[1:]); PL1 += [62 + j] * (len(ix) - 1)
    w1, _, _ = nearest(np.vstack(PP1), np.vstack([KT] + NT1), np.concatenate([np.arange(62), 62 + np.arange(len(valp))]))
    return (np.mean(w == np.array(PL)) + np.mean(w1 == np.array(PL1))) / 2, (len(PL), len(PL1))
if mode == 'val':
    gD = fisher(s_tr, np.sqrt, P=250, M=150)
    v, n = val_cs(gD); print(f'val: linear sqrt-Fisher P250 M150 val (mean of 3-photo and 1-photo closed set) {100*v:.1f} ({n} probes, {len(valp)} held-out people)', flush=True)
for ep in range(cfg['epochs']):
    net.train(); perm = torch.randperm(len(Xin)); tot = 0
    for i in range(0, len(Xin), cfg['bs']):
        b = perm[i:i+cfg['bs']]
        if len(b) < 2: continue
        loss = net(Xin[b], Y[b]); opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item() * len(b)
    if mode == 'val' and (ep + 1) % 10 == 0:
        v, _ = val_cs(emb_fn); print(f'  ep {ep+1} loss {tot/len(Xin):.3f} val_cs {100*v:.1f} {T()}', flush=True)
g = emb_fn
if cfg['lda']:
    Ae, be = lda_fit(emb_fn(X), y, 1e-3, cfg['lda']); g = lambda Z: emb_fn(Z) @ Ae.T + be
    if mode == 'val': v, _ = val_cs(g); print(f'  + LDA{cfg["lda"]} val_cs {100*v:.1f}')
tag = ' '.join(f'{k}={v}' for k, v in cfg.items())
if mode == 'final':
    evaluate(g, s, f's{seed} MLP {tag}'); evaluate(g, s, 'MLP + mirror-averaged', tta=True)
print(T(), flush=True)
