# newcomers named vs the false-accept rate of the grown gallery (threshold chosen on calsingle strangers vs known+newcomers)
from h import *
seed = int(sys.argv[1]); s = split(seed)
for lab, g0, tta in (('D', fisher(s, P=250, M=150), False), ('H+mirror', fisher(s, np.sqrt, P=250, M=150), True)):
    g = (lambda Z: g0(Z) + g0({id(te['l']): te['fl'], id(st['l']): st['fl'], id(tr['l']): tr['fl']}[id(Z)])) if tta else g0
    E_tr = g0(tr['l']); E_trf = g0(tr['fl']); Vv = np.vstack([E_tr, E_trf]); Y = np.concatenate([tr['y'], tr['y']])
    KT = np.stack([Vv[Y == c].mean(0) for c in range(62)]); E_st = g(st['l'])
    NT, PP, PL = [], [], []
    for j, ix in enumerate(s['newc']):
        NT.append(E_st[ix[:3]].mean(0)); PP.append(E_st[ix[3:]]); PL += [62 + j] * (len(ix) - 3)
    T = np.vstack([KT] + NT); tl = np.concatenate([np.arange(62), 62 + np.arange(len(NT))])
    w, d, r = nearest(np.vstack(PP), T, tl); ok = w == np.array(PL)
    cal = np.isin(st['y'], s['calsingle']); _, dc, rc = nearest(E_st[cal], T, tl); sc = np.sort(dc / rc)
    row = []
    for fa in (0.01, 0.05, 0.10, 0.20, 0.30, 0.50):
        t = sc[int(np.floor(fa * len(sc))) - 1]; row.append(f'{int(fa*100)}%: {100*np.mean(ok & (d/r <= t)):.1f}')
    print(f's{seed} {lab:9s} closed {100*ok.mean():.1f} | newcomers named at calsingle FA (grown gallery) ' + ', '.join(row), flush=True)
