import numpy as np
D='/tmp/nc/'
def f(n, d): 
    a=np.fromfile(D+n, dtype=np.float32); return a.reshape(-1, d)
def l(n): return np.fromfile(D+n, dtype=np.uint16).astype(int)
K=192; DL=1770
tr=dict(c=f('tr_codes.f32',K), fc=f('tr_fcodes.f32',K), y=l('tr_labels.u16'))
te=dict(c=f('te_codes.f32',K), fc=f('te_fcodes.f32',K), y=l('te_labels.u16'))
st=dict(c=f('st_codes.f32',K), fc=f('st_fcodes.f32',K), y=l('st_labels.u16'))
def lbp():
    for s,n in ((tr,'tr'),(te,'te'),(st,'st')):
        s['l']=f(n+'_lbp.f32',DL); s['fl']=f(n+'_flbp.f32',DL)
def split(seed=0, cohort=0):
    rng=np.random.RandomState(seed)
    people=np.unique(st['y']); order=rng.permutation(len(people)); half=len(people)//2
    cal=people[order[:half]]; ev=people[order[half:]]
    cnt=np.bincount(st['y'])
    calmulti=np.array([p for p in cal if cnt[p]>=2])
    calsingle=np.array([p for p in cal if cnt[p]<2])
    # newcomers
    newc=[]
    for p in sorted(ev):
        idx=np.where(st['y']==p)[0]
        if 4<=len(idx)<=9:
            idx=idx.copy(); rng.shuffle(idx); newc.append(idx)
    return dict(cal=cal, ev=ev, calmulti=calmulti, calsingle=calsingle, newc=newc, cnt=cnt)
