#!/usr/bin/env python3
"""Reference fixtures for @nnet/backend-testkit, computed with PyTorch (float64, stored as float32).

Run: /usr/bin/python3 scripts/gen_fixtures.py   (Debian: apt-get install python3-torch)
Writes packages/backend-testkit/fixtures/{kernels,ops}.json. CI never runs this; the JSON is committed.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'backend-testkit', 'fixtures')
D = torch.float64


def enc(t, dtype=None):
    t = t.detach()
    dt = dtype or {torch.bool: 'bool', torch.int32: 'int32', torch.int64: 'int32'}.get(t.dtype, 'float32')
    if dt == 'float32':
        vals = t.to(torch.float32).reshape(-1).tolist()
        data = ['NaN' if math.isnan(v) else ('Infinity' if v == math.inf else '-Infinity' if v == -math.inf else float('%.8g' % v)) for v in vals]
    else:
        data = [int(v) for v in t.reshape(-1).tolist()]
    return {'dtype': dt, 'shape': list(t.shape), 'data': data}


def r32(t):
    return t.to(torch.float32).to(D)


def rnd(*shape):
    return torch.randn(tuple(shape), dtype=D)


kernels = []


def case(kernel, inputs, out, params=None, name=None, out2=None):
    c = {'kernel': kernel, 'name': name or kernel, 'inputs': [enc(i) if i is not None else None for i in inputs], 'out': enc(out)}
    if params is not None:
        c['params'] = params
    if out2 is not None:
        c['out2'] = enc(out2)
    kernels.append(c)


# ---- unary -------------------------------------------------------------------------------------
special = torch.tensor([0.0, -0.0, math.nan, math.inf, -math.inf, 1e-30, -3.5, 2.5], dtype=D)
unary = {
    'neg': (torch.neg, 'any'), 'abs': (torch.abs, 'any'), 'sign': (torch.sign, 'any'), 'exp': (torch.exp, 'any'),
    'log': (torch.log, 'pos'), 'log1p': (torch.log1p, 'pos'), 'sqrt': (torch.sqrt, 'pos'), 'rsqrt': (torch.rsqrt, 'pos'),
    'reciprocal': (torch.reciprocal, 'nonzero'), 'sin': (torch.sin, 'any'), 'cos': (torch.cos, 'any'),
    'tanh': (torch.tanh, 'any'), 'sigmoid': (torch.sigmoid, 'any'), 'relu': (torch.relu, 'any'), 'erf': (torch.erf, 'any'),
    'floor': (torch.floor, 'any'), 'ceil': (torch.ceil, 'any'), 'round': (torch.round, 'any'),
}
for op, (fn, dom) in unary.items():
    x = rnd(3, 5) * 3
    if dom == 'pos':
        x = x.abs() + 0.05
    if dom == 'nonzero':
        x = x + x.sign() * 0.1
    if op == 'round':
        x = torch.tensor([[0.5, 1.5, 2.5, -0.5, -1.5], [0.49, 0.51, -2.5, 3.7, -3.7], [1.0, 0.0, -0.0, 7.5, 8.5]], dtype=D)
    x32 = x.to(torch.float32).to(D)
    case('unary.' + op, [x32], fn(x32))
    case('unary.' + op, [special], fn(special), name='unary.%s NaN/Inf/0' % op)
    case('unary.' + op, [torch.tensor(0.7, dtype=D)], fn(torch.tensor(0.7, dtype=D)), name='unary.%s 0-d' % op)
    case('unary.' + op, [torch.zeros(0, 3, dtype=D)], fn(torch.zeros(0, 3, dtype=D)), name='unary.%s empty' % op)
for op in ['neg', 'abs', 'sign', 'relu']:
    xi = torch.tensor([-3, 0, 5, 7], dtype=torch.int32)
    fn = {'neg': torch.neg, 'abs': torch.abs, 'sign': torch.sign, 'relu': torch.relu}[op]
    case('unary.' + op, [xi], fn(xi), name='unary.%s int32' % op)
case('unary.logicalNot', [torch.tensor([True, False, True])], torch.logical_not(torch.tensor([True, False, True])))

# ---- binary / compare / where: broadcasting across every pair of ranks 0..4 ----------------------
def bshapes(ra, rb):
    full = [2, 3, 4, 5][4 - max(ra, rb):] if max(ra, rb) else []
    sa = [d if (i % 2 == 0) else 1 for i, d in enumerate(full[len(full) - ra:])] if ra else []
    sb = [1 if (i % 2 == 0) and ra else d for i, d in enumerate(full[len(full) - rb:])] if rb else []
    return sa, sb


def padded(t, rank):
    return t.reshape([1] * (rank - t.dim()) + list(t.shape))


binary = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'pow': torch.pow,
          'maximum': torch.maximum, 'minimum': torch.minimum}
for op, fn in binary.items():
    for ra in range(5):
        for rb in range(5):
            if op != 'add' and (ra + rb) % 3 != 0:
                continue
            sa, sb = bshapes(ra, rb)
            a = rnd(*sa)
            b = rnd(*sb)
            if op == 'pow':
                a = a.abs() + 0.1
            if op == 'div':
                b = b + b.sign() * 0.2
            a, b = a.to(torch.float32).to(D), b.to(torch.float32).to(D)
            o = fn(a, b)
            case('binary.' + op, [padded(a, o.dim()), padded(b, o.dim())], o, name='binary.%s ranks %d,%d' % (op, ra, rb))
    nan_a = torch.tensor([1.0, math.nan, math.inf, -math.inf, 0.0, 2.0], dtype=D)
    nan_b = torch.tensor([math.nan, 1.0, math.inf, 2.0, 0.0, -math.inf], dtype=D)
    case('binary.' + op, [nan_a, nan_b], fn(nan_a, nan_b), name='binary.%s NaN/Inf' % op)
    if op in ('add', 'sub', 'mul', 'maximum', 'minimum'):
        ia = torch.tensor([[1, -2, 3]], dtype=torch.int32)
        ib = torch.tensor([[4], [-5]], dtype=torch.int32)
        case('binary.' + op, [ia, ib], fn(ia, ib), name='binary.%s int32' % op)
for op, fn in {'logicalAnd': torch.logical_and, 'logicalOr': torch.logical_or}.items():
    a = torch.tensor([[True, False, True]])
    b = torch.tensor([[True], [False]])
    case('binary.' + op, [a, b], fn(a, b))
case('binary.add', [torch.zeros(0, 3, dtype=D), torch.ones(1, 3, dtype=D)], torch.zeros(0, 3, dtype=D), name='binary.add empty')

compare = {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge}
for op, fn in compare.items():
    a = torch.tensor([[1.0, 2.0, math.nan, 3.0]], dtype=D)
    b = torch.tensor([[2.0], [1.0], [math.nan]], dtype=D)
    case('compare.' + op, [a, b], fn(a, b))
    ia = torch.tensor([1, 5, -2], dtype=torch.int32)
    ib = torch.tensor([1, 4, 0], dtype=torch.int32)
    case('compare.' + op, [ia, ib], fn(ia, ib), name='compare.%s int32' % op)
    ba = torch.tensor([True, False, True])
    bb = torch.tensor([True, True, False])
    case('compare.' + op, [ba, bb], fn(ba, bb), name='compare.%s bool' % op)

cond = torch.tensor([[True, False, True, False]])
wa, wb = rnd(3, 1), rnd(1, 4)
o = torch.where(cond, wa, wb)
case('where', [padded(cond, 2), wa, wb], o)
ci = torch.tensor([True, False])
case('where', [ci, torch.tensor([1, 2], dtype=torch.int32), torch.tensor([7], dtype=torch.int32)], torch.tensor([1, 7], dtype=torch.int32), name='where int32')

# ---- cast / fill / copyStrided --------------------------------------------------------------------
cf = torch.tensor([1.7, -1.7, 0.0, -0.0, 3.0, math.nan], dtype=D)
case('cast', [cf[:5]], cf[:5].to(torch.int32), name='cast float32->int32')
case('cast', [cf], cf != 0, name='cast float32->bool')
case('cast', [torch.tensor([3, 0, -1], dtype=torch.int32)], torch.tensor([3.0, 0.0, -1.0], dtype=D), name='cast int32->float32')
case('cast', [torch.tensor([True, False])], torch.tensor([1, 0], dtype=torch.int32), name='cast bool->int32')
case('fill', [], torch.full((2, 3), 2.5, dtype=D), params={'value': 2.5})
case('fill', [], torch.full((4,), -7, dtype=torch.int32), params={'value': -7}, name='fill int32')

base = rnd(2, 3, 4, 5)
views = {
    'transpose': (lambda t: t.transpose(1, 3)),
    'slice with offset': (lambda t: t[1:, :, 1:3, ::2]),
    'expand (stride 0)': (lambda t: t[:, :1].expand(2, 4, 4, 5)),
    'permute rank 4': (lambda t: t.permute(3, 1, 0, 2)),
    'select to 0-d': (lambda t: t[1, 2, 3, 4]),
}
for nm, f in views.items():
    v = f(base)
    case('copyStrided', [base], v.contiguous(), params={'shape': list(v.shape), 'strides': list(v.stride()), 'offset': v.storage_offset()}, name='copyStrided ' + nm)

# ---- reductions -------------------------------------------------------------------------------------
red = {'sum': lambda t, ax: t.sum(dim=ax, keepdim=True) if ax else t, 'prod': lambda t, ax: t.prod(dim=ax[0], keepdim=True) if len(ax) == 1 else t,
       'max': lambda t, ax: t.amax(dim=ax, keepdim=True), 'min': lambda t, ax: t.amin(dim=ax, keepdim=True)}
x = rnd(2, 3, 4)
for op in ['sum', 'max', 'min', 'prod']:
    for axes in ([0], [1], [2], [0, 2], [0, 1, 2]):
        if op == 'prod' and len(axes) > 1:
            o = x
            for ax in sorted(axes, reverse=True):
                o = o.prod(dim=ax, keepdim=True)
        elif op == 'prod':
            o = x.prod(dim=axes[0], keepdim=True)
        elif op == 'sum':
            o = x.sum(dim=axes, keepdim=True)
        elif op == 'max':
            o = x.amax(dim=axes, keepdim=True)
        else:
            o = x.amin(dim=axes, keepdim=True)
        case('reduce.' + op, [x], o, params={'axes': axes}, name='reduce.%s axes %s' % (op, axes))
    xn = torch.tensor([[1.0, math.nan, 2.0], [3.0, -math.inf, 0.5]], dtype=D)
    on = {'sum': xn.sum(1, keepdim=True), 'max': xn.amax(1, keepdim=True), 'min': xn.amin(1, keepdim=True), 'prod': xn.prod(1, keepdim=True)}[op]
    case('reduce.' + op, [xn], on, params={'axes': [1]}, name='reduce.%s NaN/Inf' % op)
case('reduce.sum', [torch.zeros(0, 3, dtype=D)], torch.zeros(1, 3, dtype=D), params={'axes': [0]}, name='reduce.sum empty')
case('reduce.prod', [torch.zeros(2, 0, dtype=D)], torch.ones(2, 1, dtype=D), params={'axes': [1]}, name='reduce.prod empty')
case('reduce.sum', [torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)], torch.tensor([[4, 6]], dtype=torch.int32), params={'axes': [0]}, name='reduce.sum int32')
case('reduce.sum', [torch.tensor(2.5, dtype=D)], torch.tensor(2.5, dtype=D), params={'axes': []}, name='reduce.sum 0-d')
for op in ['argmax', 'argmin']:
    xa = torch.tensor([[1.0, 5.0, 5.0, -2.0], [7.0, 0.0, 7.0, 3.0], [2.0, math.nan, 1.0, 9.0]], dtype=D)
    fn = torch.argmax if op == 'argmax' else torch.argmin
    case('argReduce.' + op, [xa], fn(xa, dim=1, keepdim=True).to(torch.int32), params={'axis': 1}, name='argReduce.%s axis 1 (ties, NaN)' % op)
    xb = rnd(3, 4, 2)
    case('argReduce.' + op, [xb], fn(xb, dim=0, keepdim=True).to(torch.int32), params={'axis': 0}, name='argReduce.%s axis 0' % op)

# ---- matmul -------------------------------------------------------------------------------------------
for (B, Ba, Bb, M, K, N) in [(1, 1, 1, 1, 1, 1), (1, 1, 1, 3, 5, 7), (2, 2, 1, 9, 13, 6), (3, 1, 3, 5, 4, 17), (2, 2, 2, 17, 33, 9)]:
    for ta in (False, True):
        for tb in (False, True):
            a = rnd(Ba, M, K)
            b = rnd(Bb, K, N)
            o = torch.matmul(a, b).expand(B, M, N)
            ia = a.transpose(1, 2).contiguous() if ta else a
            ib = b.transpose(1, 2).contiguous() if tb else b
            case('matmul', [ia, ib], o, params={'transA': ta, 'transB': tb}, name='matmul B%d(%d,%d) %dx%dx%d tA=%s tB=%s' % (B, Ba, Bb, M, K, N, ta, tb))

# ---- gather / scatterAdd ------------------------------------------------------------------------------
g = rnd(3, 4, 5)
for axis in range(3):
    shape = [2, 3, 4]
    idx = torch.randint(0, g.shape[axis], shape)
    case('gather', [g, idx.to(torch.int32)], torch.gather(g, axis, idx), params={'axis': axis}, name='gather axis %d' % axis)
    init = rnd(3, 4, 5)
    src = rnd(*shape)
    case('scatterAdd', [init, idx.to(torch.int32), src], init.scatter_add(axis, idx, src), params={'axis': axis}, name='scatterAdd axis %d' % axis)

# ---- optional kernels ---------------------------------------------------------------------------------
conv_cases = [
    dict(x=(2, 4, 7, 6), w=(6, 2, 3, 3), stride=(2, 1), pad=(1, 2), dil=(1, 1), groups=2, bias=True),
    dict(x=(1, 3, 8, 8), w=(2, 3, 3, 2), stride=(1, 2), pad=(2, 0), dil=(2, 1), groups=1, bias=False),
    dict(x=(2, 2, 5, 5), w=(4, 1, 1, 1), stride=(1, 1), pad=(0, 0), dil=(1, 1), groups=2, bias=True),
]
for cc in conv_cases:
    x = rnd(*cc['x']).requires_grad_()
    w = rnd(*cc['w']).requires_grad_()
    b = rnd(cc['w'][0]) if cc['bias'] else None
    y = F.conv2d(x, w, b, stride=cc['stride'], padding=cc['pad'], dilation=cc['dil'], groups=cc['groups'])
    p = {'strideH': cc['stride'][0], 'strideW': cc['stride'][1], 'padH': cc['pad'][0], 'padW': cc['pad'][1],
         'dilationH': cc['dil'][0], 'dilationW': cc['dil'][1], 'groups': cc['groups']}
    nm = 'x%s w%s s%s p%s d%s g%d' % (cc['x'], cc['w'], cc['stride'], cc['pad'], cc['dil'], cc['groups'])
    case('conv2d', [x, w, b], y, params=p, name='conv2d ' + nm)
    dy = rnd(*y.shape)
    dx, dw = torch.autograd.grad(y, [x, w], dy)
    case('conv2dBackwardInput', [dy, w], dx, params=p, name='conv2dBackwardInput ' + nm)
    case('conv2dBackwardFilter', [x, dy], dw, params=p, name='conv2dBackwardFilter ' + nm)

pool_cases = [dict(x=(2, 3, 7, 7), k=(3, 3), s=(2, 2), p=(1, 1)), dict(x=(1, 2, 6, 5), k=(2, 3), s=(2, 1), p=(0, 1))]
for pc in pool_cases:
    x = rnd(*pc['x']).requires_grad_()
    params = {'kernelH': pc['k'][0], 'kernelW': pc['k'][1], 'strideH': pc['s'][0], 'strideW': pc['s'][1], 'padH': pc['p'][0], 'padW': pc['p'][1], 'countIncludePad': True}
    nm = 'x%s k%s s%s p%s' % (pc['x'], pc['k'], pc['s'], pc['p'])
    y, ind = F.max_pool2d(x, pc['k'], pc['s'], pc['p'], return_indices=True)
    case('maxPool2d', [x], y, params=params, out2=ind.to(torch.int32), name='maxPool2d ' + nm)
    dy = rnd(*y.shape)
    (dx,) = torch.autograd.grad(y, [x], dy)
    case('maxPool2dBackward', [dy, ind.to(torch.int32)], dx, name='maxPool2dBackward ' + nm)
    for cip in (True, False):
        pr = dict(params, countIncludePad=cip)
        ya = F.avg_pool2d(x, pc['k'], pc['s'], pc['p'], count_include_pad=cip)
        case('avgPool2d', [x], ya, params=pr, name='avgPool2d %s countIncludePad=%s' % (nm, cip))
        dya = rnd(*ya.shape)
        (dxa,) = torch.autograd.grad(ya, [x], dya)
        case('avgPool2dBackward', [dya], dxa, params=pr, name='avgPool2dBackward %s countIncludePad=%s' % (nm, cip))

for axis in (0, 1, 2):
    x = rnd(3, 4, 5) * 4
    case('softmax', [x], torch.softmax(x, axis), params={'axis': axis}, name='softmax axis %d' % axis)
    case('logSoftmax', [x], torch.log_softmax(x, axis), params={'axis': axis}, name='logSoftmax axis %d' % axis)
big = torch.tensor([[1e4, -1e4, 0.0], [1000.0, 1000.0, -math.inf]], dtype=D)
case('softmax', [big], torch.softmax(big, 1), params={'axis': 1}, name='softmax large logits')
case('logSoftmax', [big], torch.log_softmax(big, 1), params={'axis': 1}, name='logSoftmax large logits')

acts = {'none': lambda t: t, 'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid}
for act, fn in acts.items():
    x, w, b = rnd(5, 7), rnd(3, 7), rnd(3)
    case('linear', [x, w, b], fn(F.linear(x, w, b)), params={'activation': act}, name='linear ' + act)
x, w = rnd(4, 6), rnd(9, 6)
case('linear', [x, w, None], F.linear(x, w), params={'activation': 'none'}, name='linear no bias')

# ---- fused optimizer updates (in place: `expected` holds each input after the kernel, null if unchanged)
def inplace_case(kernel, inputs, expected, params, name):
    kernels.append({'kernel': kernel, 'name': name, 'inputs': [enc(i) if i is not None else None for i in inputs],
                    'out': enc(expected[0]), 'expected': [enc(e) if e is not None else None for e in expected], 'params': params})


for cfg in [dict(lr=0.1, momentum=0, dampening=0, nesterov=False, weightDecay=0, first=True),
            dict(lr=0.05, momentum=0.9, dampening=0, nesterov=False, weightDecay=0.01, first=True),
            dict(lr=0.05, momentum=0.9, dampening=0.2, nesterov=False, weightDecay=0, first=False),
            dict(lr=0.02, momentum=0.8, dampening=0, nesterov=True, weightDecay=0.1, first=False)]:
    p_ = r32(torch.randn(3, 5, dtype=D)); g_ = r32(torch.randn(3, 5, dtype=D)); b_ = r32(torch.randn(3, 5, dtype=D)) if cfg['momentum'] else None
    d = g_ + cfg['weightDecay'] * p_
    nb = None
    if b_ is not None:
        nb = d.clone() if cfg['first'] else cfg['momentum'] * b_ + (1 - cfg['dampening']) * d
        d = d + cfg['momentum'] * nb if cfg['nesterov'] else nb
    inplace_case('sgdUpdate', [p_, g_, b_], [p_ - cfg['lr'] * d, None, nb], cfg, 'sgdUpdate ' + str(cfg))
for cfg in [dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0, decoupled=False, amsgrad=False, step=1),
            dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weightDecay=0.1, decoupled=False, amsgrad=True, step=3),
            dict(lr=0.02, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.3, decoupled=True, amsgrad=True, step=5)]:
    p_ = r32(torch.randn(4, 3, dtype=D)); g_ = r32(torch.randn(4, 3, dtype=D))
    m_ = r32(torch.randn(4, 3, dtype=D) * 0.1); v_ = r32(torch.rand(4, 3, dtype=D) * 0.1); vm_ = r32(v_ + torch.rand(4, 3, dtype=D) * 0.05) if cfg['amsgrad'] else None
    p2 = p_.clone(); g2 = g_.clone()
    if cfg['weightDecay']:
        if cfg['decoupled']: p2 = p2 * (1 - cfg['lr'] * cfg['weightDecay'])
        else: g2 = g2 + cfg['weightDecay'] * p_
    m2 = cfg['beta1'] * m_ + (1 - cfg['beta1']) * g2
    v2 = cfg['beta2'] * v_ + (1 - cfg['beta2']) * g2 * g2
    vm2 = torch.maximum(vm_, v2) if vm_ is not None else None
    vh = vm2 if vm2 is not None else v2
    t = cfg['step']
    p2 = p2 - cfg['lr'] / (1 - cfg['beta1'] ** t) * m2 / (vh.sqrt() / (1 - cfg['beta2'] ** t) ** 0.5 + cfg['eps'])
    inplace_case('adamUpdate', [p_, g_, m_, v_, vm_], [p2, None, m2, v2, vm2], cfg, 'adamUpdate ' + str(cfg))

# ---- front-end ops with gradients -----------------------------------------------------------------------
ops = []


def op(name, fn, shapes, positive=False, kwargs=None, extra=None):
    xs = []
    for i, s in enumerate(shapes):
        t = rnd(*s)
        if positive is True or (isinstance(positive, list) and i in positive):
            t = t.abs() + 0.2
        xs.append(t.to(torch.float32).to(D).requires_grad_())
    y = fn(*xs)
    wgt = rnd(*y.shape).to(torch.float32).to(D)
    grads = torch.autograd.grad((y * wgt).sum(), xs, allow_unused=True)
    ops.append({'op': name, 'kwargs': kwargs or {}, 'inputs': [enc(t) for t in xs], 'out': enc(y), 'weight': enc(wgt),
                'grads': [enc(g) if g is not None else None for g in grads], **({'extra': extra} if extra else {})})


S = [2, 3, 4]
for nm, fn, pos in [('neg', torch.neg, False), ('abs', torch.abs, False), ('exp', torch.exp, False), ('log', torch.log, True),
                    ('sqrt', torch.sqrt, True), ('rsqrt', torch.rsqrt, True), ('sin', torch.sin, False), ('cos', torch.cos, False),
                    ('tanh', torch.tanh, False), ('sigmoid', torch.sigmoid, False), ('relu', torch.relu, False)]:
    op(nm, fn, [S], positive=pos)
op('leakyRelu', lambda x: F.leaky_relu(x, 0.2), [S], kwargs={'negativeSlope': 0.2})
op('gelu', F.gelu, [S])
op('geluTanh', lambda x: F.gelu(x, approximate='tanh'), [S])
op('softplus', F.softplus, [S])
op('clamp', lambda x: torch.clamp(x, -0.5, 0.7), [S], kwargs={'min': -0.5, 'max': 0.7})
for nm, fn in [('add', torch.add), ('sub', torch.sub), ('mul', torch.mul), ('maximum', torch.maximum), ('minimum', torch.minimum)]:
    op(nm, fn, [[2, 3, 4], [3, 1]])
op('div', torch.div, [[2, 3], [2, 3]], positive=[1])
op('pow', torch.pow, [[2, 3], [2, 3]], positive=[0])
op('where', lambda a, b: torch.where(torch.tensor([[True, False, True]]), a, b), [[2, 3], [1, 3]], extra={'cond': [[True, False, True]]})
op('sum', lambda x: x.sum(dim=(0, 2)), [S], kwargs={'dim': [0, 2]})
op('mean', lambda x: x.mean(dim=1, keepdim=True), [S], kwargs={'dim': 1, 'keepdim': True})
op('max', lambda x: x.amax(dim=2), [S], kwargs={'dim': 2})
op('min', lambda x: x.amin(dim=0), [S], kwargs={'dim': 0})
op('prod', lambda x: x.prod(dim=1), [S], kwargs={'dim': 1})
op('var', lambda x: x.var(dim=2), [S], kwargs={'dim': 2})
op('std', lambda x: x.std(dim=(1, 2)), [S], kwargs={'dim': [1, 2]})
op('logsumexp', lambda x: torch.logsumexp(x, dim=1), [S], kwargs={'dim': 1})
op('matmul2d', torch.matmul, [[3, 4], [4, 5]])
op('matmul1d', torch.matmul, [[4], [4, 2]])
op('matmulBatched', torch.matmul, [[2, 1, 3, 4], [3, 4, 2]])
op('softmax', lambda x: torch.softmax(x, 1), [S], kwargs={'dim': 1})
op('logSoftmax', lambda x: torch.log_softmax(x, -1), [S], kwargs={'dim': -1})
op('cat', lambda a, b: torch.cat([a, b], 1), [[2, 3], [2, 2]], kwargs={'dim': 1})
op('stack', lambda a, b: torch.stack([a, b], 0), [[2, 3], [2, 3]], kwargs={'dim': 0})
gi = torch.tensor([[0, 2, 2], [1, 0, 1]])
op('gather', lambda x: torch.gather(x, 1, gi), [[2, 3]], extra={'index': gi.tolist(), 'dim': 1})
si = torch.tensor([2, 0, 2])
op('indexSelect', lambda x: torch.index_select(x, 0, si), [[3, 2]], extra={'index': si.tolist(), 'dim': 0})
op('conv2d', lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2), [[2, 4, 5, 5], [4, 2, 3, 3], [4]], kwargs={'stride': 2, 'padding': 1, 'groups': 2})
op('maxPool2d', lambda x: F.max_pool2d(x, 2), [[2, 2, 4, 4]], kwargs={'kernelSize': 2})
op('avgPool2d', lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [[1, 2, 5, 5]], kwargs={'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False})
op('transpose', lambda x: x.transpose(0, 2).exp(), [S])
op('permute', lambda x: x.permute(2, 0, 1).exp(), [S])
op('expand', lambda x: x.expand(2, 3, 4).exp(), [[1, 3, 1]])
op('narrow', lambda x: x.narrow(1, 1, 2).exp(), [S])
op('select', lambda x: x.select(2, 1).exp(), [S])
op('reshape', lambda x: x.reshape(4, 6).exp(), [S])

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'kernels.json'), 'w') as f:
    json.dump({'generator': 'scripts/gen_fixtures.py', 'torch': torch.__version__, 'cases': kernels}, f, separators=(',', ':'))
with open(os.path.join(OUT, 'ops.json'), 'w') as f:
    json.dump({'generator': 'scripts/gen_fixtures.py', 'torch': torch.__version__, 'cases': ops}, f, separators=(',', ':'))
print('kernel cases:', len(kernels), 'op cases:', len(ops))
