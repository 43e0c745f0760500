# Hybrid: the linear sqrt-Fisher map (PCA-whiten P on sqrt(LBP) -> L2 -> LDA M) plus a small non-linear residual branch
# on the PCA output (P -> H ReLU -> M, last layer initialised at 0), trained with a CosFace margin loss over known + map people.
# usage: e5_resid.py seed val|final key=val ...
from h import *
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
seed = int(sys.argv[1]); mode = sys.argv[2]
cfg = dict(P=250, M=150, H=64, s=30.0, m=0.25, epochs=30, lr=1e-3, wd=5e-4, drop=0.3, bs=256, train_lin=0, tseed=0, lrlin=1e-4)
for a in sys.argv[3:]:
    k, v = a.split('='); cfg[k] = type(cfg[k])(v)
s = split(seed); T = Timer()
mp = s['calmulti'].copy()
if mode == 'val':
    r = np.random.RandomState(1000 + seed); r.shuffle(mp); nv = len(mp) // 3
    valp, mp = np.sort(mp[:nv]), np.sort(mp[nv:])
s_tr = dict(s); s_tr['calmulti'] = mp
X, y, idx = train_set(s_tr)
cls, yi = np.unique(y, return_inverse=True)
W, pmu = pca_whiten(np.sqrt(np.vstack([tr['l'], st['l'][idx]])), cfg['P'])
pre = lambda Z: l2n((np.sqrt(Z) - pmu) @ W.T).astype(np.float32)
A, b = lda_fit(pre(X), y, 1e-3, cfg['M'])
Xin = torch.tensor(pre(X)); Y = torch.tensor(yi)
torch.manual_seed(cfg['tseed'])
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.lin = nn.Linear(cfg['P'], cfg['M']); s.lin.weight.data = torch.tensor(A, dtype=torch.float32); s.lin.bias.data = torch.tensor(b, dtype=torch.float32)
        s.lin.weight.requires_grad_(bool(cfg['train_lin'])); s.lin.bias.requires_grad_(bool(cfg['train_lin']))
        s.a = nn.Linear(cfg['P'], cfg['H']); s.d = nn.Dropout(cfg['drop']); s.o = nn.Linear(cfg['H'], cfg['M'])
        nn.init.zeros_(s.o.weight); nn.init.zeros_(s.o.bias)
        # class weights initialised at the class means of the linear embedding
        with torch.no_grad():
            e = s.lin(Xin); Wc = torch.zeros(len(cls), cfg['M']).index_add_(0, Y, e) / torch.bincount(Y).float()[:, None]
        s.W = nn.Parameter(Wc)
    def embed(s, x):
        return s.lin(x) + s.o(s.d(F.relu(s.a(x))))
    def forward(s, x, yy):
        c = F.normalize(s.embed(x)) @ F.normalize(s.W).T - cfg['m'] * F.one_hot(yy, len(cls))
        return F.cross_entropy(cfg['s'] * c, yy)
net = Net()
groups = [dict(params=[p for n, p in net.named_parameters() if not n.startswith('lin') and p.requires_grad])]
if cfg['train_lin']: groups.append(dict(params=list(net.lin.parameters()), lr=cfg['lrlin']))
opt = torch.optim.AdamW(groups, lr=cfg['lr'], weight_decay=cfg['wd'])
def emb_fn(Z):
    net.eval()
    with torch.no_grad():
        return torch.cat([net.embed(torch.tensor(pre(Z[i:i+2048]))) for i in range(0, len(Z), 2048)]).numpy().astype(np.float64)
exec(open('valcs.py').read())
if mode == 'val':
    v, n = val_cs(lambda Z: pre(Z) @ A.T + b); print(f'val: linear sqrt-Fisher P{cfg["P"]} M{cfg["M"]} val {100*v:.1f} {n}', flush=True)
    v, n = val_cs(emb_fn); print(f'  ep 0 val {100*v:.1f}', flush=True)
for ep in range(cfg['epochs']):
    net.train(); perm = torch.randperm(len(Xin)); tot = 0
    for i in range(0, len(Xin), cfg['bs']):
        bb = perm[i:i+cfg['bs']]
        loss = net(Xin[bb], Y[bb]); opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item() * len(bb)
    if mode == 'val' and (ep + 1) % 5 == 0:
        v, _ = val_cs(emb_fn); print(f'  ep {ep+1} loss {tot/len(Xin):.3f} val {100*v:.1f} {T()}', flush=True)
tag = ' '.join(f'{k}={v}' for k, v in cfg.items())
if mode == 'final':
    evaluate(emb_fn, s, f's{seed} resid {tag}'); evaluate(emb_fn, s, 'resid + mirror-averaged', tta=True)
print(T(), flush=True)
