#!/usr/bin/env python3
"""Kernel fixtures for the optional kernels sortRows, cumsum, resizeAxis, resizeAxisBackward,
crossEntropy and crossEntropyBackward, computed with PyTorch in float64 and stored as float32.

Run from the repository root:
  /usr/bin/python3 packages/backend-testkit/scripts/gen_fixtures_scan_sort_resize_ce.py
Writes packages/backend-testkit/fixtures/kernels_scan_sort_resize_ce.json (the same case format as
kernels.json, which scripts/gen_fixtures.py writes; `kernelCases()` returns both). CI never runs
this; the JSON is committed.

Every random input is rounded to float32 before the reference is computed. Each kernel's expected
values come from the PyTorch op it serves: torch.sort(stable=True), torch.cumsum (reversed via
flip), F.interpolate along one axis (its autograd gradient for the backward kernel) and
F.cross_entropy(reduction='none') with torch.logsumexp (its autograd gradient for the backward).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'scripts'))
from fixture_io import D, enc, fnum, rnd  # noqa: E402  (the generators' shared helpers)

torch.manual_seed(4)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
NAN, INF = math.nan, math.inf


kernels = []


def case(kernel, inputs, out, params, name, out2=None):
    c = {'kernel': kernel, 'name': name, 'inputs': [enc(i) for i in inputs], 'out': enc(out), 'params': params}
    if out2 is not None:
        c['out2'] = enc(out2)
    kernels.append(c)


# ---- sortRows: x [R, n] -> values, indices (stable; NaN largest) ------------------------------------
def sort_case(x, descending, name):
    v, i = torch.sort(x, dim=1, descending=descending, stable=True)
    case('sortRows', [x], v, {'descending': descending}, 'sortRows %s %s' % ('descending' if descending else 'ascending', name),
         out2=i.to(torch.int32))


ties = torch.tensor([[3.0, NAN, 1.0, 3.0, -2.0, NAN, INF, -INF, 1.0],
                     [0.0, -0.5, 5.0, 5.0, -1.0, 2.0, 2.0, 2.0, 7.0],
                     [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]], dtype=D)
for desc in (False, True):
    sort_case(ties, desc, '[3, 9] ties, NaN and +-Infinity')
    sort_case(rnd(4, 13), desc, '[4, 13]')
    sort_case(torch.tensor([[4, -1, 4, 0, 9, -7]], dtype=torch.int32), desc, 'int32 [1, 6] with ties')
    sort_case(rnd(2, 1), desc, 'rows of 1')
    sort_case(torch.zeros(0, 5, dtype=D), desc, 'no rows')
long = rnd(2, 300)
long[0, ::7] = long[0, 3]  # ties in a long row
long[1, 5] = NAN
sort_case(long, False, '[2, 300] (long rows)')
sort_case(long, True, '[2, 300] (long rows)')


# ---- cumsum: running sum along an axis, forward or reversed ------------------------------------------
def cumsum_case(x, axis, reverse, name):
    y = torch.cumsum(x.flip(axis), axis).flip(axis) if reverse else torch.cumsum(x, axis)
    case('cumsum', [x], y.to(x.dtype), {'axis': axis, 'reverse': reverse},
         'cumsum %s%s' % (name, ' reversed' if reverse else ''))


for rev in (False, True):
    cumsum_case(rnd(3, 5, 4), 1, rev, '[3, 5, 4] axis 1')
    cumsum_case(rnd(7, 2), 0, rev, '[7, 2] axis 0')
    cumsum_case(rnd(2, 33), 1, rev, '[2, 33] axis 1')
    cumsum_case(torch.tensor([3, -1, 4, 1, -5, 9], dtype=torch.int32), 0, rev, 'int32 [6]')
    cumsum_case(torch.tensor([[1.0, NAN, 2.0], [INF, 1.0, -INF]], dtype=D), 1, rev, 'NaN and +-Infinity')
cumsum_case(torch.zeros(0, 3, dtype=D), 1, False, 'empty [0, 3]')
cumsum_case(torch.tensor([2.5], dtype=D), 0, False, '[1]')


# ---- resizeAxis / resizeAxisBackward: F.interpolate along one axis -------------------------------------
def along_axis(x, axis, fn):
    """fn on x with `axis` moved last and the other dims flattened to [1, R, n] (F.interpolate's 1-D form)."""
    moved = x.movedim(axis, -1)
    lead = moved.shape[:-1]
    y = fn(moved.reshape(1, -1, moved.shape[-1]))
    return y.reshape(*lead, y.shape[-1]).movedim(-1, axis)


def resize_cases(shape, axis, mode, align, size=None, factor=None, name='', dtype=D):
    """dtype: torch's compute dtype (its nearest rule rounds i·scale to the input's dtype)."""
    x = rnd(*shape).to(dtype).requires_grad_(True)
    n = shape[axis]
    kw = {'mode': mode}
    if mode == 'linear':
        kw['align_corners'] = align
    if size is not None:
        kw['size'] = size
        scale = n / size
    else:
        kw['scale_factor'] = factor
        scale = 1 / factor
    y = along_axis(x, axis, lambda t: F.interpolate(t, **kw))
    params = {'axis': axis, 'mode': mode, 'alignCorners': align, 'scale': scale}
    title = '%s %s axis %d %d -> %d%s' % (mode, list(shape), axis, n, y.shape[axis], name)
    case('resizeAxis', [x.to(D)], y.to(D), params, 'resizeAxis ' + title)
    dy = rnd(*y.shape)
    (dx,) = torch.autograd.grad(y, x, dy.to(dtype))
    dx = dx.to(D)
    case('resizeAxisBackward', [dy], dx, params, 'resizeAxisBackward ' + title)


resize_cases((2, 3, 5), 2, 'nearest', False, size=8)
resize_cases((2, 3, 8), 2, 'nearest', False, size=3)
resize_cases((2, 7, 3), 1, 'nearest', False, factor=2.5, name=' scaleFactor 2.5')
resize_cases((2, 3, 5), 2, 'linear', False, size=9)
resize_cases((2, 3, 9), 2, 'linear', False, size=4)
resize_cases((3, 4, 2), 1, 'linear', False, factor=1.7, name=' scaleFactor 1.7')
resize_cases((2, 3, 5), 2, 'linear', True, size=8, name=' alignCorners')
resize_cases((2, 6, 2), 1, 'linear', True, size=4, name=' alignCorners')
resize_cases((2, 3, 4), 2, 'linear', True, size=1, name=' alignCorners, to one')
resize_cases((1, 2, 1), 2, 'linear', False, size=3, name=' from one')


# ---- crossEntropy / crossEntropyBackward over class indices ---------------------------------------------
def ce_cases(logits, target, ignore, name):
    x = logits.clone().requires_grad_(True)
    t = target.to(torch.int64)
    loss = F.cross_entropy(x, t, reduction='none', ignore_index=ignore)
    lse = torch.logsumexp(logits, 1)
    params = {'ignoreIndex': ignore}
    ti = target.to(torch.int32)
    case('crossEntropy', [logits, ti], loss, params, 'crossEntropy ' + name, out2=lse)
    dloss = rnd(*loss.shape)
    (dx,) = torch.autograd.grad(loss, x, dloss)
    case('crossEntropyBackward', [logits, ti, lse, dloss], dx, params, 'crossEntropyBackward ' + name)


ce_cases(rnd(6, 5, scale=2), torch.tensor([0, 4, 2, -100, 1, 3]), -100, '[6, 5] one ignored row')
ce_cases(rnd(4, 3), torch.tensor([2, 2, 0, 1]), 2, '[4, 3] ignoreIndex 2 (a valid class)')
big = torch.tensor([[1e4, -1e4, 0.0], [1000.0, 1000.0, -INF], [-50.0, 30.0, 30.0]], dtype=D)
ce_cases(big, torch.tensor([0, 1, 2]), -100, 'large logits and -Infinity')
ce_cases(rnd(3, 1), torch.tensor([0, 0, 0]), -100, 'one class')
ce_cases(rnd(2, 40), torch.tensor([39, 7]), -100, '[2, 40]')

# Last, so the cases above keep their random values. On float32 input torch computes nearest's source
# index in float32 (floor(o·fround(in/out)) rounded to float32): in = 2, out = 82 takes row 0 at o = 41,
# where exact (and float64) arithmetic gives floor(41·2/82) = 1.
resize_cases((1, 2, 2), 2, 'nearest', False, size=82, name=' float32 index rule', dtype=torch.float32)

names = [c['name'] for c in kernels]
dupes = sorted({n for n in names if names.count(n) > 1})
assert not dupes, 'duplicate case names: %s' % dupes
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'kernels_scan_sort_resize_ce.json'), 'w') as f:
    json.dump({'generator': 'packages/backend-testkit/scripts/gen_fixtures_scan_sort_resize_ce.py',
               'torch': torch.__version__, 'seed': 4, 'cases': kernels}, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('kernel cases:', len(kernels))
