#!/usr/bin/env python3
"""Reference fixtures for @nnet/backend-testkit, computed with PyTorch in float64 and stored as float32.

Run from the repository root:  /usr/bin/python3 scripts/gen_fixtures.py   (Debian: apt-get install python3-torch)
Writes packages/backend-testkit/fixtures/{kernels,ops}.json. CI never runs this; the JSON is committed.

Every random input is rounded to float32 *before* the reference is computed, so the only error left
in a fixture is the final rounding of the expected output. Floats are stored with 8 significant
digits; NaN and the infinities are the strings "NaN", "Infinity" and "-Infinity".

kernels.json: one or more cases per stable kernel id of the backend contract (`unary.exp`,
`binary.add`, `matmul`, `conv2d`, ...): inputs, params, the expected output (and, for maxPool2d, the
indices; for the in-place optimizer kernels, every updated input).

ops.json: front-end op cases: inputs, kwargs, the output and the gradient of every input of
sum(op(inputs) * W) for the fixed random W stored with the case. Inputs of non-smooth ops are kept
at least MARGIN away from their kinks (and max-type ops get distinct values) so that central finite
differences with a step of 1e-2 are meaningful.
"""
import math
import os

import torch
import torch.nn.functional as F

from fixture_io import D, away, enc, r32, repo_path, rnd, write_json

torch.manual_seed(0)
OUT = repo_path('packages', 'backend-testkit', 'fixtures')
NAN, INF = math.nan, math.inf
MARGIN = 0.1  # distance of op-case inputs from a kink (finite differences use a step of 1e-2); away()'s default


def T(values, dtype=D):
    return torch.tensor(values, dtype=dtype)


def I(values):
    return torch.tensor(values, dtype=torch.int32)


def B(values):
    return torch.tensor(values, dtype=torch.bool)


def padded(t, rank):
    """Left-pads t's shape with 1s to `rank`, as the front end does before an elementwise kernel."""
    return t.reshape([1] * (rank - t.dim()) + list(t.shape))


# ================================================================================================
# Kernel cases
# ================================================================================================
kernels = []


def case(kernel, inputs, out, params=None, name=None, out2=None):
    c = {'kernel': kernel, 'name': name or kernel, 'inputs': [enc(i) if i is not None else None for i in inputs],
         'out': enc(out)}
    if params is not None:
        c['params'] = params
    if out2 is not None:
        c['out2'] = enc(out2)
    kernels.append(c)


# ---- unary --------------------------------------------------------------------------------------
special = T([0.0, -0.0, NAN, INF, -INF, 1e-30, -3.5, 2.5, 0.5, -0.5])
unary = {
    'neg': (torch.neg, 'any'), 'abs': (torch.abs, 'any'), 'sign': (torch.sign, 'any'), 'exp': (torch.exp, 'any'),
    'log': (torch.log, 'pos'), 'log1p': (torch.log1p, 'gt-1'), 'sqrt': (torch.sqrt, 'pos'), 'rsqrt': (torch.rsqrt, 'pos'),
    'reciprocal': (torch.reciprocal, 'nonzero'), 'sin': (torch.sin, 'any'), 'cos': (torch.cos, 'any'),
    'tanh': (torch.tanh, 'any'), 'sigmoid': (torch.sigmoid, 'any'), 'relu': (torch.relu, 'any'), 'erf': (torch.erf, 'any'),
    'floor': (torch.floor, 'any'), 'ceil': (torch.ceil, 'any'), 'round': (torch.round, 'any'),
}
for op, (fn, dom) in unary.items():
    x = torch.randn(3, 5, dtype=D) * 3
    if dom == 'pos':
        x = x.abs() + 0.05
    if dom == 'gt-1':
        x = x.abs() * 2 - 0.9
    if dom == 'nonzero':
        x = x + x.sign() * 0.1
    if op == 'round':  # half to even
        x = T([[0.5, 1.5, 2.5, -0.5, -1.5], [0.49, 0.51, -2.5, 3.7, -3.7], [1.0, 0.0, -0.0, 7.5, 8.5]])
    x = r32(x)
    case('unary.' + op, [x], fn(x), name='unary.%s [3,5]' % op)
    case('unary.' + op, [special], fn(special), name='unary.%s NaN/Inf/0/-0' % op)
    z = T(0.7)
    case('unary.' + op, [z], fn(z), name='unary.%s 0-d' % op)
    case('unary.' + op, [torch.zeros(0, 3, dtype=D)], fn(torch.zeros(0, 3, dtype=D)), name='unary.%s empty' % op)
case('unary.exp', [T([-100.0, 88.0, 89.0, -1e-8])], torch.exp(T([-100.0, 88.0, 89.0, -1e-8])),
     name='unary.exp float32 overflow and underflow')
case('unary.sigmoid', [T([-100.0, 100.0, -20.0, 20.0])], torch.sigmoid(T([-100.0, 100.0, -20.0, 20.0])),
     name='unary.sigmoid saturates without NaN')
case('unary.tanh', [T([-50.0, 50.0, 1e-6])], torch.tanh(T([-50.0, 50.0, 1e-6])), name='unary.tanh saturates without NaN')
for op in ['neg', 'abs', 'sign', 'relu']:
    xi = I([[-3, 0, 5], [7, -1, 2]])
    fn = {'neg': torch.neg, 'abs': torch.abs, 'sign': torch.sign, 'relu': torch.relu}[op]
    case('unary.' + op, [xi], fn(xi), name='unary.%s int32' % op)
lb = B([[True, False, True], [False, False, True]])
case('unary.logicalNot', [lb], torch.logical_not(lb), name='unary.logicalNot bool')
case('unary.logicalNot', [B(True)], B(False), name='unary.logicalNot bool 0-d')
case('unary.logicalNot', [torch.zeros(2, 0, dtype=torch.bool)], torch.zeros(2, 0, dtype=torch.bool),
     name='unary.logicalNot bool empty')


# ---- binary / compare / where: broadcasting across every pair of ranks 0..4 --------------------------
def bshapes(ra, rb):
    """Shapes of ranks ra and rb that broadcast against each other with 1s on both sides."""
    full = [2, 3, 4, 5][4 - max(ra, rb):] if max(ra, rb) else []
    sa = [d if (i % 2 == 0) else 1 for i, d in enumerate(full[len(full) - ra:])] if ra else []
    sb = [1 if (i % 2 == 0) and ra else d for i, d in enumerate(full[len(full) - rb:])] if rb else []
    return sa, sb


binary = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'pow': torch.pow,
          'maximum': torch.maximum, 'minimum': torch.minimum}
for op, fn in binary.items():
    for ra in range(5):
        for rb in range(5):
            if op != 'add' and (ra + rb) % 3 != 0:
                continue  # every rank pair for add, a spread of pairs for the rest
            sa, sb = bshapes(ra, rb)
            a, b = rnd(*sa), rnd(*sb)
            if op == 'pow':
                a = r32(a.abs() + 0.1)
            if op == 'div':
                b = r32(b + b.sign() * 0.2)
            o = fn(a, b)
            case('binary.' + op, [padded(a, o.dim()), padded(b, o.dim())], o, name='binary.%s ranks %d,%d' % (op, ra, rb))
    nan_a = T([1.0, NAN, INF, -INF, 0.0, 2.0, -0.0, INF])
    nan_b = T([NAN, 1.0, INF, 2.0, 0.0, -INF, 0.0, -INF])
    case('binary.' + op, [nan_a, nan_b], fn(nan_a, nan_b), name='binary.%s NaN/Inf' % op)
    if op in ('add', 'sub', 'mul', 'maximum', 'minimum'):
        ia, ib = I([[1, -2, 3]]), I([[4], [-5]])
        case('binary.' + op, [padded(ia, 2), ib], fn(ia, ib), name='binary.%s int32' % op)
pa = T([1.0, NAN, -2.0, -2.0, 0.0, 0.0, INF, -8.0, 2.0])
pb = T([NAN, 0.0, 3.0, 0.5, -1.0, 0.0, -1.0, 1.0 / 3.0, -1074.0])
case('binary.pow', [pa, pb], torch.pow(pa, pb), name='binary.pow C edge cases (1^NaN, NaN^0, negative base)')
case('binary.div', [T([1.0, -1.0, 0.0, 5.0]), T([0.0, 0.0, 0.0, -0.0])], T([INF, -INF, NAN, -INF]),
     name='binary.div by zero')
for op, fn in {'logicalAnd': torch.logical_and, 'logicalOr': torch.logical_or}.items():
    a, b = B([[True, False, True]]), B([[True], [False]])
    case('binary.' + op, [a, b], fn(a, b), name='binary.%s bool' % op)
    case('binary.' + op, [padded(B(True), 1), B([True, False])], fn(B(True), B([True, False])),
         name='binary.%s bool 0-d broadcast' % op)
case('binary.add', [torch.zeros(0, 3, dtype=D), torch.ones(1, 3, dtype=D)], torch.zeros(0, 3, dtype=D), name='binary.add empty')
case('binary.mul', [torch.zeros(2, 0, dtype=D), torch.ones(2, 1, dtype=D)], torch.zeros(2, 0, dtype=D), name='binary.mul empty')

compare = {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge}
for op, fn in compare.items():
    a = T([[1.0, 2.0, NAN, 3.0, INF, -0.0]])
    b = T([[2.0], [1.0], [NAN], [INF], [0.0]])
    case('compare.' + op, [a, b], fn(a, b), name='compare.%s float32 NaN/Inf broadcast' % op)
    ia, ib = I([1, 5, -2]), I([1, 4, 0])
    case('compare.' + op, [ia, ib], fn(ia, ib), name='compare.%s int32' % op)
    ba, bb = B([True, False, True, False]), B([True, True, False, False])
    case('compare.' + op, [ba, bb], fn(ba, bb), name='compare.%s bool' % op)
    s0 = T(0.5)
    xs = rnd(2, 3)
    case('compare.' + op, [xs, padded(s0, 2)], fn(xs, s0), name='compare.%s 0-d broadcast' % op)

cond = B([[True, False, True, False]])
wa, wb = rnd(3, 1), rnd(1, 4)
case('where', [padded(cond, 2), wa, wb], torch.where(cond, wa, wb), name='where broadcast [1,4] [3,1] [1,4]')
wc = B([[[True], [False]]])
wa2, wb2 = T(NAN), rnd(3, 1, 4)
o = torch.where(wc, wa2, wb2)
case('where', [padded(wc, 3), padded(wa2, 3), wb2], o, name='where ranks 3,0,3 with NaN')
wa3, wb3 = rnd(2, 2), rnd(2, 2)
case('where', [padded(B(False), 2), wa3, wb3], wb3, name='where 0-d cond')
case('where', [B([True, False]), I([1, 2]), I([7])], I([1, 7]), name='where int32')
case('where', [B([True, False, True]), B([False, False, False]), B([True, True, True])], B([False, True, False]),
     name='where bool')
case('where', [torch.zeros(0, 2, dtype=torch.bool), torch.zeros(0, 2, dtype=D), torch.zeros(1, 2, dtype=D)],
     torch.zeros(0, 2, dtype=D), name='where empty')

# ---- cast / fill / copyStrided ----------------------------------------------------------------------
cf = T([1.7, -1.7, 0.0, -0.0, 3.0, 2.5e6, -0.99, NAN, INF])
case('cast', [cf[:7]], cf[:7].to(torch.int32), name='cast float32->int32 truncates')
case('cast', [cf], cf != 0, name='cast float32->bool (NaN and Inf are true)')
case('cast', [I([3, 0, -1, 2147483647])], r32(T([3.0, 0.0, -1.0, 2147483647.0])), name='cast int32->float32')
case('cast', [I([3, 0, -1])], B([True, False, True]), name='cast int32->bool')
case('cast', [B([True, False])], I([1, 0]), name='cast bool->int32')
case('cast', [B([[True], [False]])], T([[1.0], [0.0]]), name='cast bool->float32')
case('cast', [T(-2.9)], I(-2), name='cast 0-d float32->int32')
case('cast', [torch.zeros(0, dtype=D)], torch.zeros(0, dtype=torch.int32), name='cast empty')
case('fill', [], torch.full((2, 3), 2.5, dtype=D), params={'value': 2.5}, name='fill float32')
case('fill', [], torch.full((4,), -7, dtype=torch.int32), params={'value': -7}, name='fill int32')
case('fill', [], torch.ones(3, dtype=torch.bool), params={'value': 1}, name='fill bool')
case('fill', [], T(-INF), params={'value': '-Infinity'}, name='fill 0-d -Infinity')
case('fill', [], T(NAN).expand(2, 2), params={'value': 'NaN'}, name='fill NaN')
case('fill', [], torch.zeros(0, 4, dtype=D), params={'value': 3}, name='fill empty')
# Contract rules where PyTorch's result is undefined (float -> int of NaN, Inf or out of range is UB
# in C++): nnet saturates like WebAssembly's i32.trunc_sat, NaN -> 0. fill converts its value like cast.
case('cast', [T([NAN, INF, -INF, 3e9, -3e9, 2147483520.0, -2147483648.0, -2.5])],
     I([0, 2147483647, -2147483648, 2147483647, -2147483648, 2147483520, -2147483648, -2]),
     name='cast float32->int32 saturates, NaN -> 0 (contract rule)')
case('fill', [], I([2, 2, 2]), params={'value': 2.7}, name='fill int32 truncates toward zero')
case('fill', [], I([-2, -2]), params={'value': -2.7}, name='fill int32 negative truncates toward zero')
case('fill', [], I([2147483647]), params={'value': 'Infinity'}, name='fill int32 saturates')
case('fill', [], B([True, True]), params={'value': 0.5}, name='fill bool: value != 0')
case('fill', [], B([True]), params={'value': 'NaN'}, name='fill bool: NaN is true')


def strided_case(base, v, nm):
    case('copyStrided', [base], v.contiguous(),
         params={'shape': list(v.shape), 'strides': list(v.stride()), 'offset': v.storage_offset()},
         name='copyStrided ' + nm)


base = rnd(2, 3, 4, 5)
views = {
    'transpose': lambda t: t.transpose(1, 3),
    'slice with offset': lambda t: t[1:, :, 1:3, ::2],
    'expand (stride 0)': lambda t: t[:, :1].expand(2, 4, 4, 5),
    'permute rank 4': lambda t: t.permute(3, 1, 0, 2),
    'select to 0-d': lambda t: t[1, 2, 3, 4],
    'identity (contiguous)': lambda t: t,
    'unfold (overlapping windows)': lambda t: t.reshape(-1)[3:].as_strided((4, 3, 5), (7, 2, 1), 3),
    'size-0 dim': lambda t: t[:, :, 2:2],
}
for nm, f in views.items():
    strided_case(base, f(base), nm)
bi = torch.arange(12, dtype=torch.int32).reshape(3, 4)
strided_case(bi, bi.t()[1:], 'int32 transpose with offset')
bb = (torch.arange(6) % 3 == 0).reshape(2, 3)
strided_case(bb, bb[:, 1:].t(), 'bool')
b0 = T(4.25)
strided_case(b0, b0.expand(2, 3), '0-d expanded to [2,3]')

# ---- reductions --------------------------------------------------------------------------------------
x = rnd(2, 3, 4)
for op in ['sum', 'max', 'min', 'prod']:
    for axes in ([0], [1], [2], [0, 2], [0, 1, 2]):
        if op == 'prod':
            o = x
            for ax in sorted(axes, reverse=True):
                o = o.prod(dim=ax, keepdim=True)
        elif op == 'sum':
            o = x.sum(dim=axes, keepdim=True)
        elif op == 'max':
            o = x.amax(dim=axes, keepdim=True)
        else:
            o = x.amin(dim=axes, keepdim=True)
        case('reduce.' + op, [x], o, params={'axes': axes}, name='reduce.%s axes %s' % (op, axes))
    xn = T([[1.0, NAN, 2.0], [3.0, -INF, 0.5], [INF, 1.0, -2.0]])
    on = {'sum': xn.sum(1, keepdim=True), 'max': xn.amax(1, keepdim=True), 'min': xn.amin(1, keepdim=True),
          'prod': xn.prod(1, keepdim=True)}[op]
    case('reduce.' + op, [xn], on, params={'axes': [1]}, name='reduce.%s NaN/Inf' % op)
    z0 = T(2.5)
    case('reduce.' + op, [z0], z0, params={'axes': []}, name='reduce.%s 0-d' % op)
    empty_val = {'sum': 0.0, 'prod': 1.0, 'max': -INF, 'min': INF}[op]
    case('reduce.' + op, [torch.zeros(2, 0, dtype=D)], torch.full((2, 1), empty_val, dtype=D), params={'axes': [1]},
         name='reduce.%s empty (identity %s)' % (op, empty_val))
    case('reduce.' + op, [torch.zeros(0, 3, dtype=D)], torch.zeros(0, 1, dtype=D), params={'axes': [1]},
         name='reduce.%s of an empty tensor over a non-empty axis' % op)
x4 = rnd(2, 3, 4, 5)
case('reduce.sum', [x4], x4.sum(dim=(1, 3), keepdim=True), params={'axes': [1, 3]}, name='reduce.sum rank 4 axes [1, 3]')
case('reduce.max', [x4], x4.amax(dim=(0, 2), keepdim=True), params={'axes': [0, 2]}, name='reduce.max rank 4 axes [0, 2]')
case('reduce.sum', [x4], x4, params={'axes': []}, name='reduce.sum no axes (copy)')
xl = rnd(37, 41)
case('reduce.sum', [xl], xl.sum(0, keepdim=True), params={'axes': [0]}, name='reduce.sum [37,41] axis 0')
case('reduce.sum', [xl], xl.sum(1, keepdim=True), params={'axes': [1]}, name='reduce.sum [37,41] axis 1')
xi = I([[1, 2, -7], [3, 4, 9]])
case('reduce.sum', [xi], xi.sum(0, keepdim=True, dtype=torch.int32), params={'axes': [0]}, name='reduce.sum int32')
# All-negative rows/columns: an int32 max (min) must not start from -Infinity (+Infinity) stored as 0.
xin = I([[-1, 5, -7], [-3, 4, 9]])
for axes in ([0], [1]):
    case('reduce.max', [xin], xin.amax(axes[0], keepdim=True), params={'axes': axes}, name='reduce.max int32 axes %s' % axes)
    case('reduce.min', [-xin], (-xin).amin(axes[0], keepdim=True), params={'axes': axes},
         name='reduce.min int32 axes %s' % axes)
case('reduce.prod', [xi], xi.prod(1, keepdim=True, dtype=torch.int32), params={'axes': [1]}, name='reduce.prod int32')
xb = B([[True, False, True], [True, True, True]])
case('reduce.sum', [xb], xb.sum(1, keepdim=True, dtype=torch.int32), params={'axes': [1]}, name='reduce.sum bool -> int32')
for op in ['argmax', 'argmin']:
    fn = torch.argmax if op == 'argmax' else torch.argmin
    xa = T([[1.0, 5.0, 5.0, -2.0], [7.0, 0.0, 7.0, 3.0], [2.0, NAN, 1.0, 9.0], [-INF, -INF, INF, INF]])
    case('argReduce.' + op, [xa], fn(xa, dim=1, keepdim=True).to(torch.int32), params={'axis': 1},
         name='argReduce.%s axis 1 (ties: first, NaN wins)' % op)
    xb3 = rnd(3, 4, 2)
    case('argReduce.' + op, [xb3], fn(xb3, dim=0, keepdim=True).to(torch.int32), params={'axis': 0},
         name='argReduce.%s axis 0' % op)
    x4b = rnd(2, 3, 4, 5)
    case('argReduce.' + op, [x4b], fn(x4b, dim=2, keepdim=True).to(torch.int32), params={'axis': 2},
         name='argReduce.%s rank 4 axis 2' % op)
    xia = I([[3, -1, 8, 8], [0, 0, -5, 2]])
    case('argReduce.' + op, [xia], fn(xia, dim=1, keepdim=True).to(torch.int32), params={'axis': 1},
         name='argReduce.%s int32' % op)

# ---- matmul ----------------------------------------------------------------------------------------------
for (Bt, Ba, Bb, M, K, N) in [(1, 1, 1, 1, 1, 1), (1, 1, 1, 3, 5, 7), (2, 2, 1, 9, 13, 6), (3, 1, 3, 5, 4, 17),
                               (2, 2, 2, 17, 33, 9)]:
    for ta in (False, True):
        for tb in (False, True):
            a, b = rnd(Ba, M, K), rnd(Bb, K, N)
            o = torch.matmul(a, b).expand(Bt, M, N)
            ia = a.transpose(1, 2).contiguous() if ta else a
            ib = b.transpose(1, 2).contiguous() if tb else b
            case('matmul', [ia, ib], o, params={'transA': ta, 'transB': tb},
                 name='matmul B%d(%d,%d) %dx%dx%d tA=%s tB=%s' % (Bt, Ba, Bb, M, K, N, ta, tb))
for ta, tb in ((False, False), (True, True)):
    a, b = rnd(1, 40, 70), rnd(1, 70, 33)
    ia = a.transpose(1, 2).contiguous() if ta else a
    ib = b.transpose(1, 2).contiguous() if tb else b
    case('matmul', [ia, ib], a @ b, params={'transA': ta, 'transB': tb}, name='matmul 40x70x33 tA=%s tB=%s' % (ta, tb))
case('matmul', [torch.zeros(2, 3, 0, dtype=D), torch.zeros(1, 0, 4, dtype=D)], torch.zeros(2, 3, 4, dtype=D),
     params={'transA': False, 'transB': False}, name='matmul K=0 writes zeros')
case('matmul', [torch.zeros(1, 0, 5, dtype=D), rnd(1, 5, 3)], torch.zeros(1, 0, 3, dtype=D),
     params={'transA': False, 'transB': False}, name='matmul M=0 (empty output)')
am = T([[[1.0, INF], [NAN, 1.0]]])
bm = T([[[1.0], [0.0]]])
case('matmul', [am, bm], am @ bm, params={'transA': False, 'transB': False}, name='matmul propagates NaN/Inf (Inf*0 = NaN)')

# ---- gather / scatterAdd --------------------------------------------------------------------------------
g = rnd(3, 4, 5)
for axis in range(3):
    shape = [2, 3, 4]
    idx = torch.randint(0, g.shape[axis], shape)
    case('gather', [g, idx.to(torch.int32)], torch.gather(g, axis, idx), params={'axis': axis}, name='gather axis %d' % axis)
    init = rnd(3, 4, 5)
    src = rnd(*shape)
    case('scatterAdd', [init, idx.to(torch.int32), src], init.scatter_add(axis, idx, src), params={'axis': axis},
         name='scatterAdd axis %d (duplicate indices accumulate)' % axis)
g1 = rnd(6)
i1 = torch.tensor([5, 0, 0, 3])
case('gather', [g1, i1.to(torch.int32)], torch.gather(g1, 0, i1), params={'axis': 0}, name='gather 1-D')
gi32 = I([[1, 2, 3], [4, 5, 6]])
ii = torch.tensor([[2, 0], [1, 1]])
case('gather', [gi32, ii.to(torch.int32)], torch.gather(gi32, 1, ii), params={'axis': 1}, name='gather int32 values')
case('gather', [g, torch.zeros(0, 4, 5, dtype=torch.int32)], torch.zeros(0, 4, 5, dtype=D), params={'axis': 0},
     name='gather empty index')
s_out = torch.zeros(4, dtype=D)
s_idx = torch.tensor([1, 1, 1, 3, 0])
s_src = rnd(5)
case('scatterAdd', [s_out, s_idx.to(torch.int32), s_src], s_out.scatter_add(0, s_idx, s_src), params={'axis': 0},
     name='scatterAdd 1-D into zeros')
case('scatterAdd', [g, torch.zeros(2, 0, 5, dtype=torch.int32), torch.zeros(2, 0, 5, dtype=D)], g, params={'axis': 1},
     name='scatterAdd empty index leaves out unchanged')
si_out = I([[1, 2, 3], [4, 5, 6]])
si_idx = torch.tensor([[1, 0, 1], [1, 1, 0]])
si_src = I([[10, 20, 30], [40, 50, 60]])
case('scatterAdd', [si_out, si_idx.to(torch.int32), si_src], si_out.scatter_add(0, si_idx, si_src), params={'axis': 0},
     name='scatterAdd int32')
g0 = T([5.0, 6.0, 7.0])
case('gather', [g0, I([2, 0])], g0.gather(0, torch.tensor([2, 0])), params={'axis': 0}, name='gather index shorter than x')
# int32 arithmetic wraps around, as PyTorch's does.
wa, wb = I([2147483647, -2147483648, 65536, 46341]), I([1, -1, 65536, 46341])
case('binary.add', [wa, wb], wa + wb, name='binary.add int32 wraps')
case('binary.sub', [wa, wb], wa - wb, name='binary.sub int32 wraps')
case('binary.mul', [wa, wb], wa * wb, name='binary.mul int32 wraps')

# ---- optional kernels ---------------------------------------------------------------------------------------
conv_cases = [
    dict(x=(2, 4, 7, 6), w=(6, 2, 3, 3), stride=(2, 1), pad=(1, 2), dil=(1, 1), groups=2, bias=True),
    dict(x=(1, 3, 8, 8), w=(2, 3, 3, 2), stride=(1, 2), pad=(2, 0), dil=(2, 1), groups=1, bias=False),
    dict(x=(2, 2, 5, 5), w=(4, 1, 1, 1), stride=(1, 1), pad=(0, 0), dil=(1, 1), groups=2, bias=True),
    dict(x=(1, 3, 6, 5), w=(3, 1, 3, 3), stride=(1, 1), pad=(1, 1), dil=(1, 1), groups=3, bias=True),
    dict(x=(2, 3, 9, 9), w=(5, 3, 3, 3), stride=(3, 3), pad=(0, 0), dil=(2, 2), groups=1, bias=True),
]
for cc in conv_cases:
    x = rnd(*cc['x']).requires_grad_()
    w = rnd(*cc['w']).requires_grad_()
    b = rnd(cc['w'][0]) if cc['bias'] else None
    y = F.conv2d(x, w, b, stride=cc['stride'], padding=cc['pad'], dilation=cc['dil'], groups=cc['groups'])
    p = {'strideH': cc['stride'][0], 'strideW': cc['stride'][1], 'padH': cc['pad'][0], 'padW': cc['pad'][1],
         'dilationH': cc['dil'][0], 'dilationW': cc['dil'][1], 'groups': cc['groups']}
    nm = 'x%s w%s s%s p%s d%s g%d' % (cc['x'], cc['w'], cc['stride'], cc['pad'], cc['dil'], cc['groups'])
    case('conv2d', [x, w, b], y, params=p, name='conv2d ' + nm + (' bias' if cc['bias'] else ''))
    dy = rnd(*y.shape)
    dx, dw = torch.autograd.grad(y, [x, w], dy)
    case('conv2dBackwardInput', [dy, w], dx, params=p, name='conv2dBackwardInput ' + nm)
    case('conv2dBackwardFilter', [x, dy], dw, params=p, name='conv2dBackwardFilter ' + nm)

pool_cases = [dict(x=(2, 3, 7, 7), k=(3, 3), s=(2, 2), p=(1, 1)), dict(x=(1, 2, 6, 5), k=(2, 3), s=(2, 1), p=(0, 1)),
              dict(x=(1, 1, 4, 4), k=(2, 2), s=(2, 2), p=(0, 0)), dict(x=(1, 2, 5, 6), k=(3, 2), s=(1, 3), p=(1, 1))]
for pc in pool_cases:
    x = rnd(*pc['x']).requires_grad_()
    params = {'kernelH': pc['k'][0], 'kernelW': pc['k'][1], 'strideH': pc['s'][0], 'strideW': pc['s'][1],
              'padH': pc['p'][0], 'padW': pc['p'][1], 'countIncludePad': True}
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
# Overlapping windows (stride < kernel): several outputs may pick the same max, whose gradients add up.
xo = r32(T([[[[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]]]])).requires_grad_()
yo, io = F.max_pool2d(xo, 2, 1, return_indices=True)
dyo = rnd(*yo.shape)
(dxo,) = torch.autograd.grad(yo, [xo], dyo)
po = {'kernelH': 2, 'kernelW': 2, 'strideH': 1, 'strideW': 1, 'padH': 0, 'padW': 0, 'countIncludePad': True}
case('maxPool2d', [xo], yo, params=po, out2=io.to(torch.int32), name='maxPool2d overlapping windows share a max')
case('maxPool2dBackward', [dyo, io.to(torch.int32)], dxo, name='maxPool2dBackward gradients of a shared max add up')
# Ties take the first position in row-major window order; a NaN wins (one NaN per window: with
# several, PyTorch's CPU kernel keeps the last).
xt = T([[[[1.0, 1.0, 0.0, NAN], [1.0, 0.5, 2.0, 2.0]]]])
yt, it_ = F.max_pool2d(xt, 2, return_indices=True)
pt = {'kernelH': 2, 'kernelW': 2, 'strideH': 2, 'strideW': 2, 'padH': 0, 'padW': 0, 'countIncludePad': True}
case('maxPool2d', [xt], yt, params=pt, out2=it_.to(torch.int32), name='maxPool2d ties take the first position, NaN wins')
# Wide enough (12 columns: 6 windows per row) for a SIMD path that takes 4 windows at a time plus a
# tail of 2; repeating values make ties, and a few windows hold one NaN. No random draws, so the
# cases after it are unchanged.
xs = torch.tensor([((i * 7) % 11 - 5) / 2.0 for i in range(2 * 6 * 12)], dtype=torch.float32).reshape(1, 2, 6, 12)
for flat in (5, 30, 77, 100, 131):
    xs.view(-1)[flat] = NAN
xs.requires_grad_()
ys, is_ = F.max_pool2d(xs, 2, return_indices=True)
case('maxPool2d', [xs], ys, params=pt, out2=is_.to(torch.int32), name='maxPool2d x(1, 2, 6, 12) 2x2 stride 2: four windows at a time and a tail, ties, NaN')
dys = torch.tensor([((i * 5) % 7 - 3) / 4.0 for i in range(ys.numel())], dtype=torch.float32).reshape(ys.shape)
(dxs,) = torch.autograd.grad(ys, [xs], dys)
case('maxPool2dBackward', [dys, is_.to(torch.int32)], dxs, name='maxPool2dBackward x(1, 2, 6, 12) 2x2 stride 2')

for axis in (0, 1, 2):
    x = rnd(3, 4, 5, scale=4)
    case('softmax', [x], torch.softmax(x, axis), params={'axis': axis}, name='softmax axis %d' % axis)
    case('logSoftmax', [x], torch.log_softmax(x, axis), params={'axis': axis}, name='logSoftmax axis %d' % axis)
big = T([[1e4, -1e4, 0.0], [1000.0, 1000.0, -INF]])
case('softmax', [big], torch.softmax(big, 1), params={'axis': 1}, name='softmax large logits and -Infinity')
case('logSoftmax', [big], torch.log_softmax(big, 1), params={'axis': 1}, name='logSoftmax large logits and -Infinity')
ninf = T([[-INF, -INF, -INF], [0.0, 1.0, 2.0]])
case('softmax', [ninf], torch.softmax(ninf, 1), params={'axis': 1}, name='softmax a row of all -Infinity is NaN')
case('logSoftmax', [ninf], torch.log_softmax(ninf, 1), params={'axis': 1}, name='logSoftmax a row of all -Infinity is NaN')
pinf = T([[INF, 1.0, 2.0], [INF, INF, 0.0], [0.0, 1.0, 2.0]])
case('softmax', [pinf], torch.softmax(pinf, 1), params={'axis': 1}, name='softmax a row holding +Infinity is NaN')
case('logSoftmax', [pinf], torch.log_softmax(pinf, 1), params={'axis': 1}, name='logSoftmax a row holding +Infinity is NaN')
s1 = rnd(4, 1)
case('softmax', [s1], torch.softmax(s1, 1), params={'axis': 1}, name='softmax axis of size 1')
case('logSoftmax', [s1], torch.log_softmax(s1, 1), params={'axis': 1}, name='logSoftmax axis of size 1')

acts = {'none': lambda t: t, 'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid}
for act, fn in acts.items():
    x, w, b = rnd(5, 7), rnd(3, 7), rnd(3)
    case('linear', [x, w, b], fn(F.linear(x, w, b)), params={'activation': act}, name='linear ' + act)
x, w = rnd(4, 6), rnd(9, 6)
case('linear', [x, w, None], F.linear(x, w), params={'activation': 'none'}, name='linear no bias')
x, w, b = rnd(17, 33), rnd(10, 33), rnd(10)
case('linear', [x, w, b], torch.relu(F.linear(x, w, b)), params={'activation': 'relu'}, name='linear relu 17x33 -> 10')


# ---- fused attention: out = softmax(scale * q k^T + mask (-inf above the diagonal when causal)) v, out2 = logsumexp rows
def attention_case(name, B, L, S, E, Ev, mask=None, causal=False, scale=None):
    q, k, v = rnd(B, L, E), rnd(B, S, E), rnd(B, S, Ev)
    scale = 1 / math.sqrt(E) if scale is None else scale
    s = q @ k.transpose(1, 2) * scale
    if mask is not None:
        s = s + mask
    if causal:
        s = s.masked_fill(torch.ones(L, S, dtype=torch.bool).tril().logical_not(), -INF)
    lse = torch.logsumexp(s, 2)
    case('attention', [q, k, v, mask], torch.softmax(s, 2) @ v, params={'scale': scale, 'causal': causal},
         name='attention ' + name, out2=lse)


rng_state = torch.get_rng_state()  # the attention cases draw from their own seed: later cases keep their values
torch.manual_seed(1414)
attention_case('[2, 5, 4] x [2, 6, 4] -> Ev 3', 2, 5, 6, 4, 3)
attention_case('causal L < S', 2, 4, 7, 8, 8, causal=True)
attention_case('shared mask [1, L, S], scale 0.3', 3, 5, 5, 4, 4, mask=rnd(1, 5, 5), scale=0.3)
m = rnd(2, 3, 6)
m[1, 0, :] = -INF  # a query row whose keys are all masked: NaN output, -Infinity logsumexp
m[0, 1, 2] = -INF
attention_case('per-slice mask with -Infinity and an all-masked row', 2, 3, 6, 4, 5, mask=m)
attention_case('one key', 2, 3, 1, 4, 2)
torch.set_rng_state(rng_state)


# ---- fused optimizer updates (in place: `expected` holds each input after the kernel, null if unchanged)
def inplace_case(kernel, inputs, expected, params, name):
    kernels.append({'kernel': kernel, 'name': name, 'inputs': [enc(i) if i is not None else None for i in inputs],
                    'out': enc(expected[0]), 'expected': [enc(e) if e is not None else None for e in expected],
                    'params': params})


for cfg in [dict(lr=0.1, momentum=0, dampening=0, nesterov=False, weightDecay=0, first=True),
            dict(lr=0.05, momentum=0.9, dampening=0, nesterov=False, weightDecay=0.01, first=True),
            dict(lr=0.05, momentum=0.9, dampening=0.2, nesterov=False, weightDecay=0, first=False),
            dict(lr=0.02, momentum=0.8, dampening=0, nesterov=True, weightDecay=0.1, first=False)]:
    p_, g_ = rnd(3, 5), rnd(3, 5)
    b_ = rnd(3, 5) if cfg['momentum'] else None
    d = g_ + cfg['weightDecay'] * p_
    nb = None
    if b_ is not None:
        nb = d.clone() if cfg['first'] else cfg['momentum'] * b_ + (1 - cfg['dampening']) * d
        d = d + cfg['momentum'] * nb if cfg['nesterov'] else nb
    inplace_case('sgdUpdate', [p_, g_, b_], [p_ - cfg['lr'] * d, None, nb], cfg, 'sgdUpdate ' + str(cfg))
for cfg in [dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0, decoupled=False, amsgrad=False, step=1),
            dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weightDecay=0.1, decoupled=False, amsgrad=True, step=3),
            dict(lr=0.02, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.3, decoupled=True, amsgrad=True, step=5)]:
    p_, g_ = rnd(4, 3), rnd(4, 3)
    m_ = rnd(4, 3, scale=0.1)
    v_ = r32(torch.rand(4, 3, dtype=D) * 0.1)
    vm_ = r32(v_ + torch.rand(4, 3, dtype=D) * 0.05) if cfg['amsgrad'] else None
    p2, g2 = p_.clone(), g_.clone()
    if cfg['weightDecay']:
        if cfg['decoupled']:
            p2 = p2 * (1 - cfg['lr'] * cfg['weightDecay'])
        else:
            g2 = g2 + cfg['weightDecay'] * p_
    m2 = cfg['beta1'] * m_ + (1 - cfg['beta1']) * g2
    v2 = cfg['beta2'] * v_ + (1 - cfg['beta2']) * g2 * g2
    vm2 = torch.maximum(vm_, v2) if vm_ is not None else None
    vh = vm2 if vm2 is not None else v2
    t = cfg['step']
    p2 = p2 - cfg['lr'] / (1 - cfg['beta1'] ** t) * m2 / (vh.sqrt() / (1 - cfg['beta2'] ** t) ** 0.5 + cfg['eps'])
    inplace_case('adamUpdate', [p_, g_, m_, v_, vm_], [p2, None, m2, v2, vm2], cfg, 'adamUpdate ' + str(cfg))

# ================================================================================================
# Op cases (front end + autograd)
# ================================================================================================
ops = []


def distinct(*shape):
    """Values with no two closer than MARGIN (a shuffled grid): max/min/maxPool have a unique winner."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n).to(D)
    return ((perm - n / 2) * MARGIN * 1.5).reshape(shape)


def op(name, fn, shapes, positive=False, kwargs=None, extra=None, case_name=None, inputs=None):
    xs = []
    for i, s in enumerate(shapes):
        t = inputs[i] if inputs is not None and inputs[i] is not None else torch.randn(tuple(s), dtype=D)
        if positive is True or (isinstance(positive, list) and i in positive):
            t = t.abs() + 0.5
        xs.append(r32(t).requires_grad_())
    y = fn(*xs)
    wgt = rnd(*y.shape)
    grads = torch.autograd.grad((y * wgt).sum(), xs, allow_unused=True)
    c = {'op': name, 'name': case_name or name, 'kwargs': kwargs or {}, 'inputs': [enc(t) for t in xs], 'out': enc(y),
         'weight': enc(wgt), 'grads': [enc(g) if g is not None else None for g in grads]}
    if extra:
        c['extra'] = extra
    ops.append(c)


S = [2, 3, 4]
for nm, fn, pos in [('neg', torch.neg, False), ('exp', torch.exp, False), ('log', torch.log, True),
                    ('sqrt', torch.sqrt, True), ('rsqrt', torch.rsqrt, True), ('sin', torch.sin, False),
                    ('cos', torch.cos, False), ('tanh', torch.tanh, False), ('sigmoid', torch.sigmoid, False)]:
    op(nm, fn, [S], positive=pos)
for nm, fn in [('abs', torch.abs), ('relu', torch.relu)]:
    op(nm, fn, [S], inputs=[away(torch.randn(*S, dtype=D), [0.0])])
op('leakyRelu', lambda x: F.leaky_relu(x, 0.2), [S], kwargs={'negativeSlope': 0.2},
   inputs=[away(torch.randn(*S, dtype=D), [0.0])])
op('gelu', F.gelu, [S])
op('geluTanh', lambda x: F.gelu(x, approximate='tanh'), [S], case_name='gelu-tanh')
op('softplus', F.softplus, [S])
op('clamp', lambda x: torch.clamp(x, -0.5, 0.7), [S], kwargs={'min': -0.5, 'max': 0.7},
   inputs=[away(torch.randn(*S, dtype=D), [-0.5, 0.7])])
for nm, fn in [('add', torch.add), ('sub', torch.sub), ('mul', torch.mul)]:
    op(nm, fn, [[2, 3, 4], [3, 1]], case_name='%s broadcast [2,3,4] [3,1]' % nm)
op('add', torch.add, [[2, 3], []], case_name='add broadcast with a 0-d tensor')
op('mul', torch.mul, [[], []], case_name='mul of two 0-d tensors')
# a on a grid k*0.2 + 0.1, b on a grid k*0.2: |a - b| >= 0.1, so maximum/minimum have a unique winner.
grid_a = torch.randint(-8, 8, (2, 3, 4)).to(D) * 0.2 + 0.1
grid_b = torch.randint(-8, 8, (3, 1)).to(D) * 0.2
for nm, fn in [('maximum', torch.maximum), ('minimum', torch.minimum)]:
    op(nm, fn, [[2, 3, 4], [3, 1]], inputs=[grid_a, grid_b], case_name='%s broadcast [2,3,4] [3,1]' % nm)
op('div', torch.div, [[2, 3], [2, 3]], positive=[1])
op('pow', torch.pow, [[2, 3], [2, 3]], positive=[0])
op('where', lambda a, b: torch.where(torch.tensor([[True, False, True]]), a, b), [[2, 3], [1, 3]],
   extra={'cond': [[True, False, True]]})
op('sum', lambda x: x.sum(dim=(0, 2)), [S], kwargs={'dim': [0, 2]}, case_name='sum dim [0,2]')
op('sum', lambda x: x.sum(), [S], kwargs={}, case_name='sum of everything (0-d output)')
op('mean', lambda x: x.mean(dim=1, keepdim=True), [S], kwargs={'dim': 1, 'keepdim': True}, case_name='mean dim 1 keepdim')
op('max', lambda x: x.amax(dim=2), [S], kwargs={'dim': 2}, inputs=[distinct(*S)])
op('min', lambda x: x.amin(dim=0), [S], kwargs={'dim': 0}, inputs=[distinct(*S)])
op('prod', lambda x: x.prod(dim=1), [S], kwargs={'dim': 1})
op('var', lambda x: x.var(dim=2), [S], kwargs={'dim': 2}, case_name='var dim 2')
op('var', lambda x: x.var(dim=(0, 1), keepdim=True, correction=0), [S],
   kwargs={'dim': [0, 1], 'keepdim': True, 'correction': 0}, case_name='var dims [0,1] keepdim correction 0')
op('std', lambda x: x.std(dim=(1, 2)), [S], kwargs={'dim': [1, 2]})
op('logsumexp', lambda x: torch.logsumexp(x, dim=1), [S], kwargs={'dim': 1})
op('matmul2d', torch.matmul, [[3, 4], [4, 5]], case_name='matmul 2-D')
op('matmul1d', torch.matmul, [[4], [4, 2]], case_name='matmul 1-D x 2-D')
op('matmul1d', torch.matmul, [[3, 4], [4]], case_name='matmul 2-D x 1-D')
op('matmul1d', torch.matmul, [[5], [5]], case_name='matmul 1-D x 1-D (dot, 0-d output)')
op('matmulBatched', torch.matmul, [[2, 1, 3, 4], [3, 4, 2]], case_name='matmul batched with broadcast batch dims')
op('softmax', lambda x: torch.softmax(x, 1), [S], kwargs={'dim': 1})
op('logSoftmax', lambda x: torch.log_softmax(x, -1), [S], kwargs={'dim': -1})
op('cat', lambda a, b: torch.cat([a, b], 1), [[2, 3], [2, 2]], kwargs={'dim': 1})
op('stack', lambda a, b: torch.stack([a, b], 0), [[2, 3], [2, 3]], kwargs={'dim': 0})
gi = torch.tensor([[0, 2, 2], [1, 0, 1]])
op('gather', lambda x: torch.gather(x, 1, gi), [[2, 3]], extra={'index': gi.tolist(), 'dim': 1})
si = torch.tensor([2, 0, 2])
op('indexSelect', lambda x: torch.index_select(x, 0, si), [[3, 2]], extra={'index': si.tolist(), 'dim': 0})
op('conv2d', lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2), [[2, 4, 5, 5], [4, 2, 3, 3], [4]],
   kwargs={'stride': 2, 'padding': 1, 'groups': 2}, case_name='conv2d stride 2 padding 1 groups 2')
op('conv2d', lambda x, w: F.conv2d(x, w, None, stride=1, padding=2, dilation=2), [[1, 2, 5, 4], [3, 2, 2, 3]],
   kwargs={'stride': 1, 'padding': 2, 'dilation': 2}, case_name='conv2d dilation 2 padding 2 no bias')
op('maxPool2d', lambda x: F.max_pool2d(x, 2), [[2, 2, 4, 4]], kwargs={'kernelSize': 2}, inputs=[distinct(2, 2, 4, 4)],
   case_name='maxPool2d kernel 2')
op('maxPool2d', lambda x: F.max_pool2d(x, 3, 2, 1), [[1, 2, 5, 5]], kwargs={'kernelSize': 3, 'stride': 2, 'padding': 1},
   inputs=[distinct(1, 2, 5, 5)], case_name='maxPool2d kernel 3 stride 2 padding 1 (overlapping)')
op('avgPool2d', lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [[1, 2, 5, 5]],
   kwargs={'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}, case_name='avgPool2d countIncludePad false')
op('avgPool2d', lambda x: F.avg_pool2d(x, 2, 1, 1, count_include_pad=True), [[1, 1, 4, 3]],
   kwargs={'kernelSize': 2, 'stride': 1, 'padding': 1, 'countIncludePad': True}, case_name='avgPool2d countIncludePad true')
op('transpose', lambda x: x.transpose(0, 2).exp(), [S], case_name='transpose(0, 2) then exp')
op('permute', lambda x: x.permute(2, 0, 1).exp(), [S], case_name='permute([2, 0, 1]) then exp')
op('expand', lambda x: x.expand(2, 3, 4).exp(), [[1, 3, 1]], case_name='expand([2, 3, 4]) then exp')
op('narrow', lambda x: x.narrow(1, 1, 2).exp(), [S], case_name='narrow(1, 1, 2) then exp')
op('select', lambda x: x.select(2, 1).exp(), [S], case_name='select(2, 1) then exp')
op('reshape', lambda x: x.reshape(4, 6).exp(), [S], case_name='reshape([4, 6]) then exp')

names = [c['name'] for c in kernels] + [c['name'] for c in ops]
dupes = sorted({n for n in names if names.count(n) > 1})
assert not dupes, 'duplicate case names: %s' % dupes

for fname, cases in (('kernels.json', kernels), ('ops.json', ops)):
    write_json(os.path.join(OUT, fname), {'generator': 'scripts/gen_fixtures.py', 'torch': torch.__version__, 'seed': 0, 'cases': cases},
               separators=(',', ':'))
print('kernel cases:', len(kernels), 'op cases:', len(ops))
