#!/usr/bin/env python3
"""PyTorch reference values for the extended op library of @nnet/tensor (packages/tensor/test/ops_extra.test.ts).

Run from the repository root:  /usr/bin/python3 scripts/gen_ops_fixtures.py   (Debian: apt-get install python3-torch)
Writes packages/tensor/test/fixtures/ops_extra.json. CI never runs this; the JSON is committed.

Each case: the op's key (the test maps it to the nnet call), its inputs, keyword arguments, the output(s)
and the gradient of sum(out * W) w.r.t. every input marked in `grad`, for a fixed random W stored with
the case. Inputs are random float32 values (rounded before the reference runs in float64), kept a margin
away from kinks where an op has them, so only the final float32 rounding separates nnet from the reference.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'tensor', 'test', 'fixtures', 'ops_extra.json')
D = torch.float64


def fnum(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float('%.8g' % v)


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {'dtype': 'bool', 'shape': list(t.shape), 'data': [int(v) for v in t.reshape(-1).tolist()]}
    if t.dtype in (torch.int32, torch.int64):
        return {'dtype': 'int32', 'shape': list(t.shape), 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'dtype': 'float32', 'shape': list(t.shape), 'data': [fnum(v) for v in t.to(torch.float32).reshape(-1).tolist()]}


def rnd(*shape, scale=1.0):
    return (torch.randn(shape, dtype=D) * scale).to(torch.float32).to(D)


def uni(lo, hi, *shape):
    return (torch.rand(shape, dtype=D) * (hi - lo) + lo).to(torch.float32).to(D)


def away(t, kinks, margin=0.1):
    """Moves values within `margin` of a kink to kink ± margin (keeps finite differences valid)."""
    t = t.clone()
    for k in kinks:
        close = (t - k).abs() < margin
        t[close] = k + margin * torch.where(t[close] >= k, 1.0, -1.0).to(D)
    return t.to(torch.float32).to(D)


cases = []


def case(op, fn, inputs, grad=None, kwargs=None, name=None):
    """inputs: tensors (float64 ones may get gradients). grad: which inputs to differentiate (default: all float)."""
    kwargs = kwargs or {}
    if grad is None:
        grad = [t.dtype == D for t in inputs]
    xs = [t.clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    out = fn(*xs, **kwargs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    first = outs[0]
    kw = {k: fnum(v) if isinstance(v, float) else v for k, v in kwargs.items()}
    entry = {'op': op, 'name': name or op, 'inputs': [enc(t) for t in inputs], 'grad': grad, 'kwargs': kw,
             'out': [enc(o) for o in outs]}
    if any(grad) and first.dtype == D and first.requires_grad:
        w = rnd(*first.shape)
        gs = torch.autograd.grad((first * w).sum(), [x for x, g in zip(xs, grad) if g], allow_unused=True)
        it = iter(gs)
        entry['weight'] = enc(w)
        entry['grads'] = [(lambda v: enc(v) if v is not None else enc(torch.zeros_like(x)))(next(it)) if g else None
                          for x, g in zip(xs, grad)]
    cases.append(entry)


# ---- masks and triangles ---------------------------------------------------------------------------
for d in (0, 1, -1, 5, -5):
    case('tril', torch.tril, [rnd(3, 4)], kwargs={'diagonal': d}, name=f'tril diagonal {d}')
    case('triu', torch.triu, [rnd(2, 4, 3)], kwargs={'diagonal': d}, name=f'triu batched diagonal {d}')
case('tril', torch.tril, [torch.randint(-5, 5, (3, 3), dtype=torch.int32)], name='tril int32')
m = torch.rand(3, 4) > 0.5
case('maskedFill', lambda x, mask, value: x.masked_fill(mask, value), [rnd(3, 4), m], kwargs={'value': -2.5})
case('maskedFill', lambda x, mask, value: x.masked_fill(mask, value), [rnd(2, 3, 4), torch.rand(4) > 0.5],
     kwargs={'value': float('-inf')}, name='maskedFill broadcast mask, -inf')
case('maskedFill', lambda x, mask, value: torch.masked_fill(x, mask, value), [rnd(4), torch.rand(2, 4) > 0.5],
     kwargs={'value': 1.0}, name='maskedFill mask broadcasts x')
case('maskedFillTensor', lambda x, mask, v: x.masked_fill(mask, v), [rnd(3, 4), m, rnd()], name='maskedFill 0-d tensor value')
case('matmul', torch.matmul, [rnd(2, 1, 3, 4), rnd(3, 4, 5)], name='matmul broadcast batch [2,1,3,4] @ [3,4,5]')
case('matmul', torch.matmul, [rnd(2, 3, 5, 4), rnd(4)], name='matmul batch @ vector')
case('matmul', torch.matmul, [rnd(4), rnd(2, 4, 3)], name='matmul vector @ batch')

# ---- activations -------------------------------------------------------------------------------------
act = rnd(3, 5, scale=3)
case('silu', F.silu, [act])
case('elu', F.elu, [away(act, [0])], kwargs={'alpha': 1.0})
case('elu', lambda x, alpha: F.elu(x, alpha), [away(act, [0])], kwargs={'alpha': 0.5}, name='elu alpha 0.5')
case('selu', F.selu, [away(act, [0])])
case('mish', F.mish, [act])
case('mish', F.mish, [rnd(6, scale=30)], name='mish large inputs')
case('hardtanh', F.hardtanh, [away(act, [-1, 1])])
case('hardtanh', lambda x, min_val, max_val: F.hardtanh(x, min_val, max_val), [away(act, [-2, 0.5])],
     kwargs={'min_val': -2.0, 'max_val': 0.5}, name='hardtanh custom bounds')
case('relu6', F.relu6, [away(rnd(3, 5, scale=5), [0, 6])])
case('hardswish', F.hardswish, [away(rnd(3, 5, scale=4), [-3, 3])])
case('hardsigmoid', F.hardsigmoid, [away(rnd(3, 5, scale=4), [-3, 3])])
case('softsign', F.softsign, [act])
case('logsigmoid', F.logsigmoid, [rnd(3, 5, scale=10)])
case('glu', F.glu, [rnd(3, 6)], kwargs={'dim': -1})
case('glu', F.glu, [rnd(4, 3, 2)], kwargs={'dim': 0}, name='glu dim 0')
case('prelu', F.prelu, [away(rnd(2, 3, 4), [0]), uni(0.1, 0.5, 3)], name='prelu per channel')
case('prelu', F.prelu, [away(rnd(2, 3), [0]), uni(0.1, 0.5, 1)], name='prelu one weight')

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'generator': 'scripts/gen_ops_fixtures.py', 'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'), allow_nan=False)
print(f'{len(cases)} cases -> {OUT}')
