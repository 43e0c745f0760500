import numpy as np
from load import *
def lda_fit(X, y, reg=1e-6, dims=None, equal=False):
    X=X.astype(np.float64); k=X.shape[1]
    cls=np.unique(y); mu=X.mean(0)
    Sw=np.zeros((k,k)); Sb=np.zeros((k,k))
    for c in cls:
        Xc=X[y==c]; m=Xc.mean(0); dc=Xc-m
        w = 1.0/len(Xc) if equal else 1.0
        Sw+=w*dc.T@dc
        Sb+=(1.0 if equal else len(Xc))*np.outer(m-mu,m-mu)
    Sw+=reg*np.trace(Sw)/k*np.eye(k)
    s,U=np.linalg.eigh(Sw); Wh=U@np.diag(1/np.sqrt(s))@U.T
    M=Wh@Sb@Wh; e,V=np.linalg.eigh((M+M.T)/2)
    m=min(len(cls)-1,k) if dims is None else min(dims,k)
    A=(Wh@V[:,::-1][:,:m]).T
    b=-A@mu
    return lambda Z: (Z.astype(np.float64)@A.T+b)
def cos_d(P,T):
    Pn=P/np.linalg.norm(P,axis=1,keepdims=True); Tn=T/np.linalg.norm(T,axis=1,keepdims=True)
    return 1-Pn@Tn.T
def nearest(P, T, tl, metric='cos'):
    D=cos_d(P,T) if metric=='cos' else np.sqrt(((P[:,None,:]-T[None])**2).sum(-1))
    i=D.argmin(1); w=tl[i]; d=D[np.arange(len(P)),i]
    D2=D.copy(); D2[:, :]=np.where(tl[None,:]==w[:,None], np.inf, D)
    r=D2.min(1)
    return w,d,r
def evaluate(g, s, feat='c', enrol_flip=False, known_flip=True, metric='cos', n=3, score='ratio', verbose=True):
    Ttr=g(tr[feat]); 
    classes=62
    if known_flip:
        V=np.vstack([Ttr, g(tr['f'+feat])]); Y=np.concatenate([tr['y'],tr['y']])
    else: V=Ttr; Y=tr['y']
    KT=np.stack([V[Y==c].mean(0) for c in range(classes)]); kl=np.arange(classes)
    Pk=g(te[feat]); 
    w,d,r=nearest(Pk,KT,kl,metric); known_ok=(w==te['y'])
    sc=lambda d,r: d/r if score=='ratio' else d
    sk=sc(d,r)
    # calibration strangers: calsingle (those not used in map)
    cal_idx=np.where(np.isin(st['y'], s['calsingle']))[0]
    Pc=g(st[feat][cal_idx]); _,dc,rc=nearest(Pc,KT,kl,metric); scal=np.sort(sc(dc,rc))
    t=scal[int(np.floor(0.05*len(scal)))-1]  # accept fraction <=5%: score <= t
    known_named=np.mean(known_ok & (sk<=t))
    ev_idx=np.where(np.isin(st['y'], s['ev']))[0]
    Pe=g(st[feat][ev_idx]); _,de,re=nearest(Pe,KT,kl,metric); fa=np.mean(sc(de,re)<=t)
    # newcomers
    NT=[];NL=[];PP=[];PL=[]
    for j,idx in enumerate(s['newc']):
        if len(idx)<=n: continue
        e=idx[:n]
        E=g(st[feat][e])
        if enrol_flip: E=np.vstack([E,g(st['f'+feat][e])])
        NT.append(E.mean(0)); NL.append(classes+j)
        PP.append(g(st[feat][idx[n:]])); PL+= [classes+j]*(len(idx)-n)
    T=np.vstack([KT,np.array(NT)]); tl=np.concatenate([kl,NL]); P=np.vstack(PP); PL=np.array(PL)
    w,d,r=nearest(P,T,tl,metric); ok=w==PL
    named=np.mean(ok & (sc(d,r)<=t))
    res=dict(known_cs=known_ok.mean(), known_named=known_named, fa=fa, new_cs=ok.mean(), new_named=named)
    if verbose: print(' '.join(f'{k} {100*v:.1f}' for k,v in res.items()), flush=True)
    return res
