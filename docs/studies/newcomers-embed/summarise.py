# mean ± sd over seeds 0..4 of every row in e8.log / e11 logs (parses the harness lines)
import re, sys, collections, numpy as np
rows = collections.OrderedDict()
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r's(\d) (.*?)\s+new_cs', line)
        if not m:
            m2 = re.match(r'(CNN \+ mirror-averaged)\s+new_cs', line)
            if not m2: continue
            key = m2.group(1)
        else:
            key = m.group(2).strip()
            key = re.sub(r", lda 0$", "", key); key = key.replace('[24, 48, 64]', '3 conv').replace(', 30 ep', ', 30 ep')
        vals = dict(re.findall(r'(\w+)\s+([\d.]+)', line.split(key)[-1]))
        rows.setdefault(key, []).append({k: float(v) for k, v in vals.items()})
cols = ['new_cs', 'new_named', 'known_cs', 'known_named', 'fa', 'fa_grown', 'new_named_re']
print('| row | n | ' + ' | '.join(cols) + ' |')
for k, L in rows.items():
    cells = []
    for c in cols:
        v = np.array([d[c] for d in L if c in d])
        cells.append(f'{v.mean():.1f} ± {v.std(ddof=1):.1f}' if len(v) > 1 else (f'{v[0]:.1f}' if len(v) else '-'))
    print(f'| {k} | {len(L)} | ' + ' | '.join(cells) + ' |')
