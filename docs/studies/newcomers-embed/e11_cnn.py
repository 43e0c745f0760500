# small conv net on the 64x48 thumbnails (project thumbnails dumped by dump/), trained from scratch as an identity classifier
# (CosFace) over known + map people, mirror/shift/brightness augmentation; embedding = 128-d FC output, cosine nearest template.
# ~3.9 M multiply-adds, ~431 K weights.
from h import *
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
seed = int(sys.argv[1]); epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
mode = sys.argv[3] if len(sys.argv) > 3 else 'final'; width = [int(c) for c in (sys.argv[4] if len(sys.argv) > 4 else '24,48,64').split(',')]
lda_dims = int(sys.argv[5]) if len(sys.argv) > 5 else 0
s = split(seed); T = Timer()
if mode == 'val':   # hold out a third of the map people (calibration half only) as validation; nothing from the evaluation half
    mp = s['calmulti'].copy(); r = np.random.RandomState(1000 + seed); r.shuffle(mp); nv = len(mp) // 3
    valp = np.sort(mp[:nv]); s = dict(s); s['calmulti'] = np.sort(mp[nv:])
TH = {n: np.fromfile(f'/tmp/nc_shift/{n}_thumb.f32', dtype=np.float32).reshape(-1, 1, 64, 48) for n in ('tr', 'te', 'st')}
idx = np.where(np.isin(st['y'], s['calmulti']))[0]
X = np.concatenate([TH['tr'], TH['st'][idx]]); y = np.concatenate([tr['y'], st['y'][idx] + 100])
cls, yi = np.unique(y, return_inverse=True)
def norm(x):
    x = torch.as_tensor(x); m = x.mean((1, 2, 3), keepdim=True); sd = x.std((1, 2, 3), keepdim=True) + 1e-3
    return (x - m) / sd
Xt = norm(X); Y = torch.tensor(yi)
torch.manual_seed(int(os.environ.get('TSEED', '0'))); np.random.seed(int(os.environ.get('TSEED', '0')))
def cbr(i, o, st_): return nn.Sequential(nn.Conv2d(i, o, 3, st_, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU())
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.f = nn.Sequential(cbr(1, width[0], 2), cbr(width[0], width[1], 2), cbr(width[1], width[2], 2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(width[2] * 8 * 6, 128), nn.BatchNorm1d(128))
        s.W = nn.Parameter(torch.randn(len(cls), 128) * 0.01)
    def forward(s, x, yy):
        c = F.normalize(s.f(x)) @ F.normalize(s.W).T - 0.25 * F.one_hot(yy, len(cls))
        return F.cross_entropy(30 * c, yy)
net = Net()
nb = (len(Xt) + 127) // 128
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=epochs * nb)
def augment(x):
    n = len(x); flip = torch.rand(n) < 0.5; x = torch.where(flip[:, None, None, None], x.flip(3), x)
    xp = F.pad(x, (2, 2, 2, 2), mode='replicate'); dx, dy = np.random.randint(0, 5, 2)
    x = xp[:, :, dy:dy + 64, dx:dx + 48]
    return x * (1 + 0.2 * (torch.rand(n, 1, 1, 1) - 0.5)) + 0.2 * (torch.rand(n, 1, 1, 1) - 0.5)
for ep in range(epochs):
    net.train(); perm = torch.randperm(len(Xt)); tot = 0
    for i in range(0, len(Xt), 128):
        b = perm[i:i + 128]
        if len(b) < 2: continue
        loss = net(augment(Xt[b]), Y[b]); opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item() * len(b)
    print(f'ep {ep+1} loss {tot/len(Xt):.3f} {T()}', flush=True)
src = {id(tr['l']): TH['tr'], id(te['l']): TH['te'], id(st['l']): TH['st'], id(tr['fl']): TH['tr'][..., ::-1].copy()}
def g(Z, flip=False):
    net.eval(); x = src[id(Z)]
    if flip: x = x[..., ::-1].copy()
    with torch.no_grad():
        return torch.cat([net.f(norm(x[i:i + 1024])) for i in range(0, len(x), 1024)]).numpy().astype(np.float64)
if lda_dims:
    g1 = g; Etr = np.concatenate([g1(tr['l']), g1(tr['l'], True)]); Ist = st['l'][idx]
    src[id(Ist)] = TH['st'][idx]; Es = np.concatenate([g1(Ist), g1(Ist, True)])
    A, b = lda_fit(np.vstack([Etr, Es]), np.concatenate([tr['y'], tr['y'], st['y'][idx] + 100, st['y'][idx] + 100]), 1e-3, lda_dims)
    g = lambda Z, flip=False: g1(Z, flip) @ A.T + b
if mode == 'val':
    def vcs(fl, g=g):
        r = np.random.RandomState(7); Ek = np.concatenate([g(tr['l']), g(tr['l'], True)]); yk = np.concatenate([tr['y'], tr['y']])
        KT = np.stack([Ek[yk == c].mean(0) for c in range(62)]); Es = g(st['l']) + (g(st['l'], True) if fl else 0)
        res = []
        for n_en, minp in ((3, 4), (1, 2)):
            NT, PP, PL = [], [], []
            for j, p in enumerate(valp):
                ix = np.where(st['y'] == p)[0]
                if len(ix) < minp: continue
                ix = ix.copy(); r.shuffle(ix); NT.append(Es[ix[:n_en]].mean(0)); PP.append(Es[ix[n_en:]]); PL += [62 + j] * (len(ix) - n_en)
            w, _, _ = nearest(np.vstack(PP), np.vstack([KT] + NT), np.concatenate([np.arange(62), 62 + np.arange(len(NT))]))
            # labels: 62 + position in NT
            PLp = []; k = 0
            for j, p in enumerate(valp):
                ix = np.where(st['y'] == p)[0]
                if len(ix) < minp: continue
                PLp += [62 + k] * (len(ix) - n_en); k += 1
            res.append(np.mean(w == np.array(PLp)))
        return res
    gH0 = fisher(s, np.sqrt, P=250, M=150); flm = {id(tr['l']): tr['fl'], id(st['l']): st['fl']}
    gH = lambda Z, flip=False: gH0(flm[id(Z)] if flip else Z)
    print(f'VAL s{seed} linear sqrt P250 M150 (H): 3-photo / 1-photo closed set {[round(100*v,1) for v in vcs(False, gH)]}, +mirror {[round(100*v,1) for v in vcs(True, gH)]}', flush=True)
    print(f'VAL s{seed} CNN widths {width} ep {epochs} lda {lda_dims}: 3-photo / 1-photo closed set {[round(100*v,1) for v in vcs(False)]}, +mirror {[round(100*v,1) for v in vcs(True)]}', flush=True)
    sys.exit(0)
evaluate(g, s, f's{seed} CNN {width} + FC128, CosFace, {epochs} ep, lda {lda_dims}')
fl = {id(te['l']): te['fl'], id(st['l']): st['fl'], id(tr['l']): tr['fl']}
evaluate(lambda Z: g(Z) + g(Z, True), s, f's{seed} CNN + mirror-averaged')
torch.save(net.state_dict(), f'/tmp/embed_cnn_s{seed}_e{epochs}.pt')
print(T())
