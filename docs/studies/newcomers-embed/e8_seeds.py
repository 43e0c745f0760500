# confirmation on stranger-split seeds (LFW20 train/test split is the dump's seed-0 one for every seed)
from h import *
import json
seed = int(sys.argv[1]); s = split(seed); out = {}
fl = {id(tr['l']): tr['fl'], id(te['l']): te['fl'], id(st['l']): st['fl']}
gD = fisher(s, P=250, M=150); gH = fisher(s, np.sqrt, P=250, M=150)
out['D'] = evaluate(gD, s, f's{seed} D: LBP P250 M150')
out['D+mirror'] = evaluate(gD, s, f's{seed} D + mirror-averaged embedding', tta=True)
out['H'] = evaluate(gH, s, f's{seed} sqrt P250 M150')
out['H+mirror'] = evaluate(gH, s, f's{seed} sqrt P250 M150 + mirror-averaged embedding', tta=True)
def gHm(Z):
    Fz = fl.get(id(Z))
    return gH(Z) if Fz is None else gH(0.25 * (np.sqrt(Z) + np.sqrt(Fz)) ** 2)  # sqrt of this = mean of sqrt-hists
out['H+mirror-feat'] = evaluate(gHm, s, f's{seed} sqrt P250 M150, probe = mean sqrt-hist photo+mirror')
json.dump({k: {kk: float(vv) for kk, vv in v.items()} for k, v in out.items()}, open(f'e8_s{seed}.json', 'w'))
