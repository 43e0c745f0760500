from h import *
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
s = split(seed); T = Timer()
evaluate(fisher(s, P=250, M=150, reg=1e-6), s, f's{seed} D: LBP P250 M150 reg1e-6')
evaluate(fisher(s, P=250, M=150, reg=1e-3), s, f's{seed} D: LBP P250 M150 reg1e-3')
evaluate(fisher(s, np.sqrt, P=175, M=174), s, f's{seed} sqrt P175 M174')
evaluate(fisher(s, np.sqrt, P=300, M=200), s, f's{seed} sqrt P300 M200')
evaluate(fisher(s, np.sqrt, P=250, M=150), s, f's{seed} sqrt P250 M150')
print(T())
