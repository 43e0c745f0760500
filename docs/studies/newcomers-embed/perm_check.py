# is the mirrored image's LBP histogram a fixed permutation of the original's? (then the chip needs no second LBP pass)
from h import *
L = tr['l'][:400]; FL = tr['fl'][:400]
perm = np.full(1770, -1); amb = 0
for j in range(1770):
    m = np.where(np.all(np.abs(L - FL[:, [j]]) < 1e-7, axis=0))[0]
    if len(m) >= 1: perm[j] = m[0]
    amb += len(m) > 1
print('columns matched', (perm >= 0).sum(), 'of 1770; ambiguous', amb)
ok = np.all(np.abs(st['fl'] - st['l'][:, perm]) < 1e-6, axis=1).mean() if (perm >= 0).all() else None
print('fraction of stranger images with fl == l[:, perm]:', ok)
np.save('mirror_perm.npy', perm)
