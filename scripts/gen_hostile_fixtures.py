#!/usr/bin/env python3
"""PyTorch reference values for the numerics edge cases of apps/hostile (the hostile-input suite).

Run from the repository root:  /usr/bin/python3 scripts/gen_hostile_fixtures.py   (Debian: python3-torch, 1.13)
Writes apps/hostile/test/fixtures/numerics.json. CI never runs this; the JSON is committed.

Computed in float32, as nnet computes. NaN and the infinities are stored as the strings "NaN",
"Infinity" and "-Infinity".

Cases:
- bce at p = 0 and p = 1 exactly: PyTorch clamps each log at -100 (finite loss) and its gradient is
  (p - t) / max(p (1 - p), 1e-12) (finite).
- bce(sigmoid(x)) for |x| > 17, where sigmoid rounds to exactly 0 or 1 in float32.
- the gradient of max over a slice holding NaN: it goes to the NaN (max() and max(dim)).
- softmax / log_softmax with a +Infinity logit: every element NaN (the max is +Infinity, so
  x - max is NaN for it and the normaliser is NaN).
"""
import math

import torch
import torch.nn.functional as F

from fixture_io import fnums, repo_path, write_json

OUT = repo_path('apps', 'hostile', 'test', 'fixtures', 'numerics.json')


def t(values):
    return torch.tensor(values, dtype=torch.float32)


cases = {}

# bce at the ends of [0, 1]: finite loss and gradient.
p = t([0.0, 1.0, 0.0, 1.0, 0.5, 1e-8]).requires_grad_()
y = t([1.0, 0.0, 0.0, 1.0, 0.3, 1.0])
loss = F.binary_cross_entropy(p, y)
loss.backward()
cases['bce_ends'] = {'p': fnums(p.tolist()), 'target': fnums(y.tolist()), 'loss': fnums(loss.item()), 'grad': fnums(p.grad.tolist())}

# bce through sigmoid where sigmoid rounds to exactly 1 or 0 in float32.
x = t([20.0, -20.0, 17.5, -17.5, 0.25, 30.0]).requires_grad_()
y = t([0.0, 1.0, 1.0, 0.0, 0.5, 1.0])
s = torch.sigmoid(x)
loss = F.binary_cross_entropy(s, y)
loss.backward()
cases['bce_sigmoid_saturated'] = {
    'x': fnums(x.detach().tolist()),
    'target': fnums(y.tolist()),
    'sigmoid': fnums(s.detach().tolist()),
    'loss': fnums(loss.item()),
    'grad': fnums(x.grad.tolist()),
}

# max with NaN: the gradient goes to the NaN.
x = t([1.0, math.nan, 3.0]).requires_grad_()
x.max().backward()
cases['max_nan_all'] = {'x': fnums(x.detach().tolist()), 'grad': fnums(x.grad.tolist())}
x = t([[1.0, math.nan, 3.0], [4.0, 6.0, 5.0]]).requires_grad_()
x.max(dim=1).values.sum().backward()
cases['max_nan_dim1'] = {'x': fnums(x.detach().tolist()), 'grad': fnums(x.grad.tolist())}
x = t([[1.0, math.nan, 3.0], [4.0, 2.0, 5.0]]).requires_grad_()
x.min(dim=1).values.sum().backward()
cases['min_nan_dim1'] = {'x': fnums(x.detach().tolist()), 'grad': fnums(x.grad.tolist())}

# softmax / log_softmax with +Infinity (and all -Infinity) along dim 1.
x = t([[math.inf, 1.0, 2.0], [1.0, 2.0, 3.0], [-math.inf, -math.inf, -math.inf], [math.inf, math.inf, 0.0]])
cases['softmax_inf'] = {
    'x': fnums(x.tolist()),
    'softmax': fnums(torch.softmax(x, 1).tolist()),
    'logSoftmax': fnums(torch.log_softmax(x, 1).tolist()),
}

write_json(OUT, {'generator': 'scripts/gen_hostile_fixtures.py', 'torch': torch.__version__, 'cases': cases}, indent=1)
print('wrote', OUT)
