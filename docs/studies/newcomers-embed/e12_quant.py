# i8 weights (per output channel / row scales) for the seed's saved CNN; float activations.  Measures weight quantisation only.
from h import *
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
seed = int(sys.argv[1]); EP = sys.argv[2] if len(sys.argv) > 2 else '30'; s = split(seed)
sys.argv = ['e11_cnn.py', str(seed), '1']  # epochs 1 (not run): build the net only, then load the trained weights
src_code = open('e11_cnn.py').read().split("for ep in range(epochs):")[0]
exec(src_code)
net.load_state_dict(torch.load(f'/tmp/embed_cnn_s{seed}_e{EP}.pt'))
exec("src = " + open('e11_cnn.py').read().split("src = ", 1)[1].split("if lda_dims:")[0])
evaluate(g, s, f's{seed} CNN {EP} ep float')
evaluate(lambda Z: g(Z) + g(Z, True), s, f's{seed} CNN {EP} ep float + mirror')
with torch.no_grad():
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            W = m.weight.data; Wf = W.reshape(W.shape[0], -1); sc = Wf.abs().max(1, keepdim=True).values / 127
            m.weight.data = (torch.round(Wf / sc) * sc).reshape(W.shape)
evaluate(g, s, f's{seed} CNN {EP} ep i8 weights')
evaluate(lambda Z: g(Z) + g(Z, True), s, f's{seed} CNN {EP} ep i8 weights + mirror')
