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
