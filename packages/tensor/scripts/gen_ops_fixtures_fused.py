#!/usr/bin/env python3
"""PyTorch reference values for the tensor ops scripts/gen_ops_fixtures.py and the testkit's op
fixtures do not cover: the fused ops (softmaxCrossEntropy, linear with an activation,
scaledDotProductAttention, convTranspose2d), erf, log1p, reciprocal, square, chunk, split and the
free-function views (clone, contiguous, flatten, slice, squeeze, t, unsqueeze, view).

Run from the repository root:  /usr/bin/python3 packages/tensor/scripts/gen_ops_fixtures_fused.py
Writes packages/tensor/test/fixtures/ops_fused.json in the case format of ops_extra.json (the same
test, ops_extra.test.ts, runs both). CI never runs this; the JSON is committed.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'scripts'))
from fixture_io import D, op_case, rnd, uni  # noqa: E402  (the generators' shared helpers)

torch.manual_seed(21)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'ops_fused.json')


cases = []


def case(op, fn, inputs, grad=None, kwargs=None, name=None):
    """One op case in `cases` (fixture_io.op_case; gradients of sum(out[0] * W) for the float64 inputs)."""
    op_case(cases, op, fn, inputs, grad, kwargs, name)


# ---- softmaxCrossEntropy(logits [N, C], target [N], { ignoreIndex }) = F.cross_entropy(reduction='none')
def sce(x, t, ignore_index=-100):
    return F.cross_entropy(x, t.to(torch.int64), reduction='none', ignore_index=ignore_index)


case('softmaxCrossEntropy', sce, [rnd(5, 4, scale=2), torch.tensor([0, 3, 1, 1, 2], dtype=torch.int32)],
     name='softmaxCrossEntropy [5, 4]')
case('softmaxCrossEntropy', sce, [rnd(4, 3), torch.tensor([2, -100, 0, 1], dtype=torch.int32)],
     name='softmaxCrossEntropy ignored row (default ignoreIndex)')
case('softmaxCrossEntropy', sce, [rnd(3, 6), torch.tensor([5, 1, 1], dtype=torch.int32)], kwargs={'ignore_index': 1},
     name='softmaxCrossEntropy ignoreIndex 1')

# ---- linear(x, w, b, { activation }): activation(F.linear)
ACTS = {'none': lambda y: y, 'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid}
for act, fn in ACTS.items():
    x, w, b = rnd(2, 3, 5), rnd(4, 5), rnd(4)
    if act == 'relu':  # keep the pre-activations away from the kink
        b = b + torch.where(F.linear(x, w, b).abs().min() < 0.1, 0.3, 0.0)
    case('linear', lambda x, w, b, activation, fn=fn: fn(F.linear(x, w, b)), [x, w, b], kwargs={'activation': act},
         name='linear %s [2, 3, 5] -> 4' % act)
case('linear', lambda x, w, activation: F.linear(x, w), [rnd(3, 4), rnd(2, 4)], kwargs={'activation': 'none'},
     name='linear no bias')

# ---- scaledDotProductAttention (PyTorch 2 semantics, written out: torch 1.13 has no F.sdpa)
def sdpa(q, k, v, mask=None, is_causal=False, scale=None):
    s = q @ k.transpose(-1, -2) * (scale if scale is not None else 1 / math.sqrt(q.shape[-1]))
    if is_causal:
        L, S = q.shape[-2], k.shape[-2]
        s = s.masked_fill(torch.ones(L, S, dtype=torch.bool).tril().logical_not(), -math.inf)
    if mask is not None:
        s = s + mask
    return torch.softmax(s, -1) @ v


case('scaledDotProductAttention', sdpa, [rnd(2, 3, 4, 5), rnd(2, 3, 6, 5), rnd(2, 3, 6, 2)],
     name='scaledDotProductAttention [2, 3] heads, L 4, S 6')
case('scaledDotProductAttention', sdpa, [rnd(1, 5, 3), rnd(1, 5, 3), rnd(1, 5, 3)], kwargs={'is_causal': True},
     name='scaledDotProductAttention causal')
case('scaledDotProductAttention', sdpa, [rnd(2, 3, 4), rnd(2, 4, 4), rnd(2, 4, 3), rnd(3, 4)], kwargs={'scale': 0.5},
     name='scaledDotProductAttention float mask, scale 0.5')

# ---- convTranspose2d
case('convTranspose2d', lambda x, w, b, stride, padding, output_padding, groups:
     F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding, groups=groups),
     [rnd(2, 4, 3, 3), rnd(4, 3, 3, 2), rnd(6)], kwargs={'stride': 2, 'padding': 1, 'output_padding': 1, 'groups': 2},
     name='convTranspose2d stride 2 padding 1 outputPadding 1 groups 2')
case('convTranspose2d', lambda x, w, stride, padding, output_padding, groups:
     F.conv_transpose2d(x, w, None, stride=stride, padding=padding, output_padding=output_padding, groups=groups),
     [rnd(1, 2, 4, 3), rnd(2, 3, 2, 2)], kwargs={'stride': 1, 'padding': 0, 'output_padding': 0, 'groups': 1},
     name='convTranspose2d no bias')

# ---- elementwise ops without a fixture elsewhere
case('erf', torch.erf, [rnd(3, 4)])
case('log1p', torch.log1p, [uni(-0.8, 3.0, 3, 4)])
case('reciprocal', torch.reciprocal, [uni(0.3, 2.0, 3, 4) * torch.where(torch.rand(3, 4) < 0.5, -1.0, 1.0).to(D)])
case('square', torch.square, [rnd(3, 4)])

# ---- chunk and split (the gradient of the first piece; the others get zeros)
case('chunk', lambda x, chunks, dim: torch.chunk(x, chunks, dim), [rnd(5, 3)], kwargs={'chunks': 2, 'dim': 0})
case('split', lambda x, split_size, dim: torch.split(x, split_size, dim), [rnd(2, 7)], kwargs={'split_size': 3, 'dim': 1})
case('split', lambda x, split_size, dim: torch.split(x, split_size, dim), [rnd(6, 2)], kwargs={'split_size': [1, 5], 'dim': 0},
     name='split sizes [1, 5]')

# ---- the view functions without a fixture elsewhere (free-function forms of the view methods)
case('clone', torch.clone, [rnd(2, 3)])
case('contiguous', lambda x: x.t().contiguous(), [rnd(2, 3)], name='contiguous of a transposed view')
case('flatten', lambda x, start_dim, end_dim: torch.flatten(x, start_dim, end_dim), [rnd(2, 3, 4)],
     kwargs={'start_dim': 1, 'end_dim': 2})
case('slice', lambda x, dim, start, end, step: x.narrow(dim, start, end - start)[:, ::step], [rnd(3, 7)],
     kwargs={'dim': 1, 'start': 1, 'end': 6, 'step': 2})
case('squeeze', lambda x, dim: torch.squeeze(x, dim), [rnd(3, 1, 2)], kwargs={'dim': 1})
case('t', torch.t, [rnd(2, 5)])
case('unsqueeze', lambda x, dim: torch.unsqueeze(x, dim), [rnd(3, 2)], kwargs={'dim': -1})
case('view', lambda x, shape: x.view(shape), [rnd(4, 3)], kwargs={'shape': [2, 6]})

names = [c['name'] for c in cases]
assert len(set(names)) == len(names), 'duplicate case names'
with open(OUT, 'w') as f:
    json.dump({'generator': 'packages/tensor/scripts/gen_ops_fixtures_fused.py', 'torch': torch.__version__, 'cases': cases},
              f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('cases:', len(cases))
