# explicit feature maps before PCA/LDA, and Nystrom kernel maps
from h import *
from sklearn.kernel_approximation import AdditiveChi2Sampler
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
s = split(seed); T = Timer()
which = sys.argv[2] if len(sys.argv) > 2 else 'pow,chi2,nys'
if 'pow' in which:
    for a in (0.25, 0.35, 0.5, 0.7):
        evaluate(fisher(s, lambda x, a=a: np.power(x, a), P=250, M=150), s, f's{seed} x^{a} P250 M150')
    evaluate(fisher(s, lambda x: np.log1p(90*x), P=250, M=150), s, f's{seed} log(1+count) P250 M150')
    # power + per-cell L2 renorm (Hellinger per cell is already unit); power .5 with per-image L2 not per cell
if 'chi2' in which:
    for steps, P in ((2, 83), (2, 250), (3, 250)):
        smp = AdditiveChi2Sampler(sample_steps=steps).fit(tr['l'][:2])
        tf = lambda x, smp=smp: smp.transform(np.maximum(x, 0))
        evaluate(fisher(s, tf, P=P, M=min(150, P-1)), s, f's{seed} AdditiveChi2Sampler steps{steps} (x{2*steps-1} dims) P{P}')
print(T())
