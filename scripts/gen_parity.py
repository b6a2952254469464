#!/usr/bin/env python3
"""PyTorch reference values for @nnet/layers, @nnet/loss and @nnet/optim tests.

Run: /usr/bin/python3 scripts/gen_parity.py   (Debian: apt-get install python3-torch)
Writes packages/{layers,loss,optim}/test/fixtures/*.json. CI never runs this.
"""
import torch
import torch.nn.functional as F

from fixture_io import D, enc_exact, r32, repo_path, write_json
from fixture_io import enc_untyped as enc

torch.manual_seed(1)


def write(pkg, name, obj):
    write_json(repo_path('packages', pkg, 'test', 'fixtures', name), obj, newline=False, separators=(',', ':'))


# ---- Linear ----------------------------------------------------------------------------------------
cases = []
for (n, i, o, lead) in [(4, 3, 2, []), (2, 5, 3, [3])]:
    x = r32(torch.randn(*lead, n, i, dtype=D)).requires_grad_()
    w = r32(torch.randn(o, i, dtype=D)).requires_grad_()
    b = r32(torch.randn(o, dtype=D)).requires_grad_()
    y = F.linear(x, w, b)
    g = r32(torch.randn(*y.shape, dtype=D))
    gx, gw, gb = torch.autograd.grad((y * g).sum(), [x, w, b])
    cases.append({'x': enc(x), 'weight': enc(w), 'bias': enc(b), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx), 'gradW': enc(gw), 'gradB': enc(gb)})
write('layers', 'linear.json', {'generator': 'scripts/gen_parity.py', 'cases': cases})

# ---- losses ----------------------------------------------------------------------------------------
loss_cases = []
for red in ('mean', 'sum', 'none'):
    x = r32(torch.randn(4, 3, dtype=D)).requires_grad_()
    t = r32(torch.randn(4, 3, dtype=D))
    out = F.mse_loss(x, t, reduction=red)
    g = r32(torch.randn(*out.shape, dtype=D)) if red == 'none' else torch.tensor(1.0, dtype=D)
    (gx,) = torch.autograd.grad((out * g).sum(), [x])
    loss_cases.append({'loss': 'mse', 'reduction': red, 'input': enc(x), 'target': enc(t), 'targetDtype': 'float32', 'out': enc(out), 'g': enc(g), 'grad': enc(gx)})
for scale, tag in ((1.0, ''), (1e4, ' large logits')):
    for red in ('mean', 'sum', 'none'):
        x = r32(torch.randn(5, 4, dtype=D) * scale).requires_grad_()
        t = torch.tensor([0, 3, 1, 1, 2])
        out = F.cross_entropy(x, t, reduction=red)
        g = r32(torch.randn(*out.shape, dtype=D)) if red == 'none' else torch.tensor(1.0, dtype=D)
        (gx,) = torch.autograd.grad((out * g).sum(), [x])
        loss_cases.append({'loss': 'crossEntropy', 'name': 'index targets' + tag, 'reduction': red, 'input': enc(x), 'target': enc_exact(t), 'targetDtype': 'int32', 'out': enc(out), 'g': enc(g), 'grad': enc(gx)})
        p = torch.softmax(torch.randn(5, 4, dtype=D), 1)
        p = r32(p)
        out = F.cross_entropy(x, p, reduction=red)
        (gx,) = torch.autograd.grad((out * g).sum(), [x])
        loss_cases.append({'loss': 'crossEntropy', 'name': 'probability targets' + tag, 'reduction': red, 'input': enc(x), 'target': enc(p), 'targetDtype': 'float32', 'out': enc(out), 'g': enc(g), 'grad': enc(gx)})
x = r32(torch.randn(2, 3, 4, dtype=D)).requires_grad_()
t = torch.tensor([[0, 2, 1, 2], [1, 1, 0, 0]])
out = F.cross_entropy(x, t)
(gx,) = torch.autograd.grad(out, [x])
loss_cases.append({'loss': 'crossEntropy', 'name': 'spatial [N, C, d] index targets', 'reduction': 'mean', 'input': enc(x), 'target': enc_exact(t), 'targetDtype': 'int32', 'out': enc(out), 'g': enc(torch.tensor(1.0)), 'grad': enc(gx)})
write('loss', 'losses.json', {'generator': 'scripts/gen_parity.py', 'cases': loss_cases})

# ---- SGD trajectories --------------------------------------------------------------------------------
A = r32(torch.randn(6, 4, dtype=D))
yv = r32(torch.randn(6, 2, dtype=D))
w0 = r32(torch.randn(4, 2, dtype=D))
b0 = r32(torch.randn(2, dtype=D))
traj = []
configs = [
    {'lr': 0.05},
    {'lr': 0.05, 'momentum': 0.9},
    {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3},
    {'lr': 0.05, 'momentum': 0.8, 'nesterov': True},
    {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.1},
    {'lr': 0.03, 'weightDecay': 0.2, 'momentum': 0.5, 'nesterov': True},
]


def trajectory(optimizer):
    """Six steps of optimizer([w, b]) on mean((A w + b - y)²) from w0, b0; w and b after each."""
    w = w0.clone().requires_grad_()
    b = b0.clone().requires_grad_()
    opt = optimizer([w, b])
    steps = []
    for _ in range(6):
        opt.zero_grad()
        ((A @ w + b - yv) ** 2).mean().backward()
        opt.step()
        steps.append({'weight': enc(w), 'bias': enc(b)})
    return steps


for cfg in configs:
    steps = trajectory(lambda ps: torch.optim.SGD(ps, lr=cfg['lr'], momentum=cfg.get('momentum', 0), dampening=cfg.get('dampening', 0),
                                                  nesterov=cfg.get('nesterov', False), weight_decay=cfg.get('weightDecay', 0)))
    traj.append({'options': cfg, 'steps': steps})
write('optim', 'sgd.json', {'generator': 'scripts/gen_parity.py', 'A': enc(A), 'y': enc(yv), 'weight': enc(w0), 'bias': enc(b0), 'trajectories': traj})
# ---- Conv2d and pooling layers ---------------------------------------------------------------------
conv_cases = []
for cfg in [dict(i=3, o=4, k=3, stride=1, padding=1, dilation=1, groups=1, n=2, hw=(6, 5)),
            dict(i=4, o=6, k=(3, 2), stride=2, padding=0, dilation=1, groups=2, n=1, hw=(7, 7)),
            dict(i=2, o=2, k=3, stride=1, padding='same', dilation=2, groups=1, n=2, hw=(5, 5))]:
    conv = torch.nn.Conv2d(cfg['i'], cfg['o'], cfg['k'], stride=cfg['stride'], padding=cfg['padding'], dilation=cfg['dilation'], groups=cfg['groups']).double()
    with torch.no_grad():
        conv.weight.copy_(r32(conv.weight))
        conv.bias.copy_(r32(conv.bias))
    x = r32(torch.randn(cfg['n'], cfg['i'], *cfg['hw'], dtype=D)).requires_grad_()
    y = conv(x)
    g = r32(torch.randn(*y.shape, dtype=D))
    gx, gw, gb = torch.autograd.grad((y * g).sum(), [x, conv.weight, conv.bias])
    k = cfg['k'] if isinstance(cfg['k'], tuple) else (cfg['k'], cfg['k'])
    conv_cases.append({'options': {'inChannels': cfg['i'], 'outChannels': cfg['o'], 'kernelSize': list(k), 'stride': cfg['stride'], 'padding': cfg['padding'], 'dilation': cfg['dilation'], 'groups': cfg['groups']},
                       'x': enc(x), 'weight': enc(conv.weight), 'bias': enc(conv.bias), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx), 'gradW': enc(gw), 'gradB': enc(gb)})
pool_cases = []
for kind, mod in [('maxPool2d', torch.nn.MaxPool2d(3, stride=2, padding=1)), ('avgPool2d', torch.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)), ('adaptiveAvgPool2d', torch.nn.AdaptiveAvgPool2d(1))]:
    x = r32(torch.randn(2, 3, 7, 6, dtype=D)).requires_grad_()
    y = mod(x)
    g = r32(torch.randn(*y.shape, dtype=D))
    (gx,) = torch.autograd.grad((y * g).sum(), [x])
    pool_cases.append({'kind': kind, 'x': enc(x), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx)})
write('layers', 'conv.json', {'generator': 'scripts/gen_parity.py', 'conv': conv_cases, 'pool': pool_cases})

# ---- Adam / AdamW trajectories -------------------------------------------------------------------------
adam = []
for name, cfg in [('Adam', {'lr': 0.01}), ('Adam', {'lr': 0.01, 'weightDecay': 0.1}), ('Adam', {'lr': 0.02, 'betas': [0.8, 0.99], 'amsgrad': True}),
                  ('AdamW', {'lr': 0.01}), ('AdamW', {'lr': 0.01, 'weightDecay': 0.3, 'amsgrad': True})]:
    cls = torch.optim.Adam if name == 'Adam' else torch.optim.AdamW
    kw = {'lr': cfg['lr'], 'betas': tuple(cfg.get('betas', [0.9, 0.999])), 'amsgrad': cfg.get('amsgrad', False)}
    kw['weight_decay'] = cfg.get('weightDecay', 0 if name == 'Adam' else 1e-2)
    adam.append({'optimizer': name, 'options': cfg, 'steps': trajectory(lambda ps: cls(ps, **kw))})
write('optim', 'adam.json', {'generator': 'scripts/gen_parity.py', 'A': enc(A), 'y': enc(yv), 'weight': enc(w0), 'bias': enc(b0), 'trajectories': adam})
# ---- more losses ----------------------------------------------------------------------------------------
more = []


def loss_case(name, fn, x, t, options, target_dtype='float32', g_none=False):
    x = x.clone().requires_grad_()
    out = fn(x)
    g = r32(torch.randn(*out.shape, dtype=D)) if out.dim() > 0 else torch.tensor(1.0, dtype=D)
    (gx,) = torch.autograd.grad((out * g).sum(), [x])
    tt = enc_exact(t) if target_dtype == 'int32' else enc(t)
    more.append({'loss': name, 'options': options, 'input': enc(x), 'target': tt, 'targetDtype': target_dtype, 'out': enc(out), 'g': enc(g), 'grad': enc(gx)})


x = r32(torch.randn(4, 3, dtype=D) * 2)
t = r32(torch.randn(4, 3, dtype=D))
for red in ('mean', 'none'):
    loss_case('l1', lambda a: F.l1_loss(a, t, reduction=red), x, t, {'reduction': red})
    loss_case('smoothL1', lambda a: F.smooth_l1_loss(a, t, reduction=red, beta=0.5), x, t, {'reduction': red, 'beta': 0.5})
    loss_case('huber', lambda a: F.huber_loss(a, t, reduction=red, delta=2.0), x, t, {'reduction': red, 'delta': 2.0})
w = r32(torch.rand(4, dtype=D) + 0.5)
for scale in (1.0, 1e4):
    logits = r32(torch.randn(6, 4, dtype=D) * scale)
    idx = torch.tensor([0, 3, -100, 1, 2, 3])
    for red in ('mean', 'sum', 'none'):
        opts = {'reduction': red, 'weight': enc(w), 'ignoreIndex': -100, 'labelSmoothing': 0.1}
        loss_case('crossEntropy', lambda a: F.cross_entropy(a, idx, weight=w, ignore_index=-100, label_smoothing=0.1, reduction=red), logits, idx, opts, 'int32')
    probs = r32(torch.softmax(torch.randn(6, 4, dtype=D), 1))
    loss_case('crossEntropy', lambda a: F.cross_entropy(a, probs, weight=w, label_smoothing=0.2), logits, probs, {'weight': enc(w), 'labelSmoothing': 0.2})
    lp = r32(torch.log_softmax(torch.randn(6, 4, dtype=D), 1))
    loss_case('nll', lambda a: F.nll_loss(a, idx, weight=w, ignore_index=-100), lp, idx, {'weight': enc(w), 'ignoreIndex': -100}, 'int32')
    bl = r32(torch.randn(5, 3, dtype=D) * scale)
    bt = r32(torch.randint(0, 2, (5, 3)).to(D))
    pw = r32(torch.rand(3, dtype=D) * 2 + 0.5)
    for red in ('mean', 'none'):
        loss_case('bceWithLogits', lambda a: F.binary_cross_entropy_with_logits(a, bt, pos_weight=pw, reduction=red), bl, bt, {'reduction': red, 'posWeight': enc(pw)})
pr = r32(torch.rand(5, 3, dtype=D) * 0.98 + 0.01)
bt = r32(torch.rand(5, 3, dtype=D))
bw = r32(torch.rand(5, 3, dtype=D))
loss_case('bce', lambda a: F.binary_cross_entropy(a, bt, weight=bw), pr, bt, {'weight': enc(bw)})
li = r32(torch.log_softmax(torch.randn(4, 5, dtype=D), 1))
tp = torch.softmax(torch.randn(4, 5, dtype=D), 1)
tp[0, 1] = 0
tp = r32(tp)
for red in ('batchmean', 'sum', 'none'):
    loss_case('klDiv', lambda a: F.kl_div(a, tp, reduction=red), li, tp, {'reduction': red})
ltp = r32(torch.log_softmax(torch.randn(4, 5, dtype=D), 1))
loss_case('klDiv', lambda a: F.kl_div(a, ltp, reduction='batchmean', log_target=True), li, ltp, {'reduction': 'batchmean', 'logTarget': True})
write('loss', 'more_losses.json', {'generator': 'scripts/gen_parity.py', 'cases': more})
# ---- RMSprop / Adagrad trajectories, schedulers, clipping ---------------------------------------------------
more_opt = []
for name, cfg in [('RMSprop', {'lr': 0.01}), ('RMSprop', {'lr': 0.01, 'momentum': 0.9, 'centered': True, 'weightDecay': 0.1}),
                  ('Adagrad', {'lr': 0.1}), ('Adagrad', {'lr': 0.1, 'lrDecay': 0.05, 'weightDecay': 0.1, 'initialAccumulatorValue': 0.1})]:
    if name == 'RMSprop':
        make = lambda ps: torch.optim.RMSprop(ps, lr=cfg['lr'], momentum=cfg.get('momentum', 0), centered=cfg.get('centered', False), weight_decay=cfg.get('weightDecay', 0))
    else:
        make = lambda ps: torch.optim.Adagrad(ps, lr=cfg['lr'], lr_decay=cfg.get('lrDecay', 0), weight_decay=cfg.get('weightDecay', 0), initial_accumulator_value=cfg.get('initialAccumulatorValue', 0))
    more_opt.append({'optimizer': name, 'options': cfg, 'steps': trajectory(make)})
sched = []
def lrs(make, n, metric=None):
    p0 = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p0], lr=0.1, momentum=0.9)
    sch = make(opt)
    out = [opt.param_groups[0]['lr']]
    for i in range(n):
        opt.step()
        if metric is None:
            sch.step()
        else:
            sch.step(metric[i])
        out.append(opt.param_groups[0]['lr'])
    return out
S = torch.optim.lr_scheduler
sched.append({'name': 'StepLR', 'options': {'stepSize': 3, 'gamma': 0.5}, 'lrs': lrs(lambda o: S.StepLR(o, 3, 0.5), 10)})
sched.append({'name': 'MultiStepLR', 'options': {'milestones': [2, 5], 'gamma': 0.1}, 'lrs': lrs(lambda o: S.MultiStepLR(o, [2, 5], 0.1), 8)})
sched.append({'name': 'ExponentialLR', 'options': {'gamma': 0.9}, 'lrs': lrs(lambda o: S.ExponentialLR(o, 0.9), 6)})
sched.append({'name': 'CosineAnnealingLR', 'options': {'tMax': 10, 'etaMin': 0.001}, 'lrs': lrs(lambda o: S.CosineAnnealingLR(o, 10, 0.001), 10)})
sched.append({'name': 'LinearLR', 'options': {'startFactor': 0.25, 'endFactor': 1.0, 'totalIters': 4}, 'lrs': lrs(lambda o: S.LinearLR(o, 0.25, 1.0, 4), 7)})
sched.append({'name': 'OneCycleLR', 'options': {'maxLr': 1.0, 'totalSteps': 20, 'cycleMomentum': False}, 'lrs': lrs(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=20, cycle_momentum=False), 19)})
sched.append({'name': 'OneCycleLR', 'options': {'maxLr': 0.5, 'totalSteps': 12, 'pctStart': 0.25, 'annealStrategy': 'linear', 'cycleMomentum': False}, 'lrs': lrs(lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=12, pct_start=0.25, anneal_strategy='linear', cycle_momentum=False), 11)})
p0 = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([p0], lr=0.1, momentum=0.9)
sch = S.OneCycleLR(opt, max_lr=1.0, total_steps=15)
cyc = {'lrs': [opt.param_groups[0]['lr']], 'momenta': [opt.param_groups[0]['momentum']]}
for _ in range(14):
    opt.step()
    sch.step()
    cyc['lrs'].append(opt.param_groups[0]['lr'])
    cyc['momenta'].append(opt.param_groups[0]['momentum'])
sched.append({'name': 'OneCycleLR', 'options': {'maxLr': 1.0, 'totalSteps': 15, 'cycleMomentum': True}, **cyc})
metric = [5, 4, 4, 4, 4, 3.9999, 4, 4, 4, 4, 4, 2]
sched.append({'name': 'ReduceLROnPlateau', 'options': {'patience': 2, 'factor': 0.5, 'cooldown': 1}, 'metrics': metric, 'lrs': lrs(lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1), len(metric), metric)})
clip = []
for max_norm, norm_type in [(0.5, 2.0), (100.0, 2.0), (0.3, float('inf')), (0.2, 1.0)]:
    g1 = r32(torch.randn(3, 4, dtype=D))
    g2 = r32(torch.randn(5, dtype=D))
    p1 = torch.zeros(3, 4, dtype=D, requires_grad=True)
    p2 = torch.zeros(5, dtype=D, requires_grad=True)
    p1.grad = g1.clone()
    p2.grad = g2.clone()
    total = torch.nn.utils.clip_grad_norm_([p1, p2], max_norm, norm_type)
    clip.append({'maxNorm': max_norm, 'normType': 'Infinity' if norm_type == float('inf') else norm_type, 'grads': [enc(g1), enc(g2)], 'total': float(total), 'clipped': [enc(p1.grad), enc(p2.grad)]})
write('optim', 'more.json', {'generator': 'scripts/gen_parity.py', 'A': enc(A), 'y': enc(yv), 'weight': enc(w0), 'bias': enc(b0), 'trajectories': more_opt, 'schedulers': sched, 'clip': clip})
# ---- normalisation and embedding ----------------------------------------------------------------------------------
norm = []
for kind, mod, shape in [('BatchNorm1d', torch.nn.BatchNorm1d(3), (5, 3)), ('BatchNorm1d', torch.nn.BatchNorm1d(3, momentum=0.3), (4, 3, 6)),
                         ('BatchNorm2d', torch.nn.BatchNorm2d(2), (3, 2, 4, 5)), ('LayerNorm', torch.nn.LayerNorm([4, 5]), (3, 4, 5))]:
    mod = mod.double()
    with torch.no_grad():
        mod.weight.copy_(r32(torch.rand(*mod.weight.shape, dtype=D) + 0.5))
        mod.bias.copy_(r32(torch.randn(*mod.bias.shape, dtype=D)))
    w0_, b0_ = mod.weight.detach().clone(), mod.bias.detach().clone()
    steps = []
    for _ in range(2):
        x = r32(torch.randn(*shape, dtype=D) * 2 + 1).requires_grad_()
        y = mod(x)
        g = r32(torch.randn(*y.shape, dtype=D))
        gx, gw, gb = torch.autograd.grad((y * g).sum(), [x, mod.weight, mod.bias])
        st = {'x': enc(x), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx), 'gradW': enc(gw), 'gradB': enc(gb)}
        if kind.startswith('BatchNorm'):
            st['runningMean'] = enc(mod.running_mean)
            st['runningVar'] = enc(mod.running_var)
        steps.append(st)
    ev = None
    if kind.startswith('BatchNorm'):
        mod.eval()
        x = r32(torch.randn(*shape, dtype=D)).requires_grad_()
        y = mod(x)
        ev = {'x': enc(x), 'out': enc(y)}
    norm.append({'kind': kind, 'momentum': getattr(mod, 'momentum', None), 'shape': list(shape), 'weight': enc(w0_), 'bias': enc(b0_), 'steps': steps, 'eval': ev})
emb = torch.nn.Embedding(6, 3, padding_idx=2).double()
with torch.no_grad():
    emb.weight.copy_(r32(emb.weight))
idx = torch.tensor([[0, 2, 5], [2, 1, 1]])
y = emb(idx)
g = r32(torch.randn(*y.shape, dtype=D))
(gw,) = torch.autograd.grad((y * g).sum(), [emb.weight])
write('layers', 'norm.json', {'generator': 'scripts/gen_parity.py', 'norm': norm, 'embedding': {'weight': enc(emb.weight), 'index': idx.tolist(), 'out': enc(y), 'g': enc(g), 'gradW': enc(gw)}})
# ---- recurrent layers ------------------------------------------------------------------------------------------------
rec = []
for kind, kw, shape, with_state in [('RNN', {'num_layers': 2}, (5, 3, 4), True), ('RNN', {'nonlinearity': 'relu'}, (4, 2, 4), False),
                                     ('LSTM', {'num_layers': 2, 'batch_first': True}, (3, 5, 4), True), ('GRU', {}, (6, 2, 4), True),
                                     ('LSTM', {}, (5, 4), False)]:
    cls = {'RNN': torch.nn.RNN, 'LSTM': torch.nn.LSTM, 'GRU': torch.nn.GRU}[kind]
    mod = cls(4, 3, **kw).double()
    with torch.no_grad():
        for prm in mod.parameters():
            prm.copy_(r32(prm))
    x = r32(torch.randn(*shape, dtype=D)).requires_grad_()
    L = kw.get('num_layers', 1)
    batch = None if len(shape) == 2 else (shape[0] if kw.get('batch_first') else shape[1])
    sshape = (L, 3) if batch is None else (L, batch, 3)
    state = None
    if with_state:
        state = (r32(torch.randn(*sshape, dtype=D)), r32(torch.randn(*sshape, dtype=D))) if kind == 'LSTM' else r32(torch.randn(*sshape, dtype=D))
    out, hn = mod(x, state) if state is not None else mod(x)
    h_last = hn[0] if kind == 'LSTM' else hn
    go = r32(torch.randn(*out.shape, dtype=D))
    gh = r32(torch.randn(*h_last.shape, dtype=D))
    names = [n for n, _ in mod.named_parameters()]
    grads = torch.autograd.grad((out * go).sum() + (h_last * gh).sum(), [x] + list(mod.parameters()))
    st = None if state is None else ([enc(state[0]), enc(state[1])] if kind == 'LSTM' else [enc(state)])
    rec.append({'kind': kind, 'options': {'numLayers': L, 'batchFirst': kw.get('batch_first', False), 'nonlinearity': kw.get('nonlinearity', 'tanh')},
                'params': {n: enc(p_) for n, p_ in mod.named_parameters()}, 'x': enc(x), 'state': st, 'out': enc(out),
                'hN': enc(h_last), 'cN': enc(hn[1]) if kind == 'LSTM' else None, 'gOut': enc(go), 'gH': enc(gh),
                'gradX': enc(grads[0]), 'gradParams': {n: enc(g_) for n, g_ in zip(names, grads[1:])}})
write('layers', 'recurrent.json', {'generator': 'scripts/gen_parity.py', 'cases': rec})
# ---- ConvTranspose2d ---------------------------------------------------------------------------------------------------
ct = []
for cfg in [dict(i=3, o=2, k=3, stride=2, padding=1, output_padding=1, dilation=1, groups=1, hw=(4, 5)),
            dict(i=4, o=6, k=(2, 3), stride=1, padding=0, output_padding=0, dilation=2, groups=2, hw=(3, 3))]:
    mod = torch.nn.ConvTranspose2d(cfg['i'], cfg['o'], cfg['k'], stride=cfg['stride'], padding=cfg['padding'], output_padding=cfg['output_padding'], dilation=cfg['dilation'], groups=cfg['groups']).double()
    with torch.no_grad():
        mod.weight.copy_(r32(mod.weight))
        mod.bias.copy_(r32(mod.bias))
    x = r32(torch.randn(2, cfg['i'], *cfg['hw'], dtype=D)).requires_grad_()
    y = mod(x)
    g = r32(torch.randn(*y.shape, dtype=D))
    gx, gw, gb = torch.autograd.grad((y * g).sum(), [x, mod.weight, mod.bias])
    k = cfg['k'] if isinstance(cfg['k'], tuple) else (cfg['k'], cfg['k'])
    ct.append({'options': {'inChannels': cfg['i'], 'outChannels': cfg['o'], 'kernelSize': list(k), 'stride': cfg['stride'], 'padding': cfg['padding'], 'outputPadding': cfg['output_padding'], 'dilation': cfg['dilation'], 'groups': cfg['groups']},
               'x': enc(x), 'weight': enc(mod.weight), 'bias': enc(mod.bias), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx), 'gradW': enc(gw), 'gradB': enc(gb)})
write('layers', 'conv_transpose.json', {'generator': 'scripts/gen_parity.py', 'cases': ct})
# ---- adaptive average pooling -----------------------------------------------------------------------------------------
ad = []
for out_size, shape in [((3, 2), (2, 3, 7, 5)), ((4, 4), (1, 2, 9, 6)), ((2, 3), (2, 4, 4))]:
    x = r32(torch.randn(*shape, dtype=D)).requires_grad_()
    y = F.adaptive_avg_pool2d(x, out_size)
    g = r32(torch.randn(*y.shape, dtype=D))
    (gx,) = torch.autograd.grad((y * g).sum(), [x])
    ad.append({'outputSize': list(out_size), 'x': enc(x), 'out': enc(y), 'g': enc(g), 'gradX': enc(gx)})
write('layers', 'adaptive.json', {'generator': 'scripts/gen_parity.py', 'cases': ad})
print('ok')
