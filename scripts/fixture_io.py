"""What the fixture generators share: where the repository is, the random inputs, the three JSON
encodings of a tensor the committed fixtures use, and writing a JSON file.

Every generator imports it (run them from the repository root, `/usr/bin/python3 scripts/gen_*.py`:
Python puts scripts/ on the path). The safetensors format is scripts/safetensors_io.py's, which
docs/interop.md offers to users as a standalone reader and writer.

The four tensor encodings (each readers in the TypeScript tests expect; none can change without
regenerating the fixtures and changing those readers):
- enc(t):         {'dtype', 'shape', 'data'}; float32 values to 8 significant digits, NaN and the
                  infinities as 'NaN' / 'Infinity' / '-Infinity', bool and int as integers.
                  backend-testkit, tensor, layers (transformer, layers_extra), loss (extra, ctc).
- enc_untyped(t): {'shape', 'data'}; the float32 values of enc (gen_parity.py's fixtures).
- enc_exact(t):   {'shape', 'data'}; the values exactly as PyTorch holds them (no rounding), NaN
                  and the infinities as 'nan' / 'inf' / '-inf' (the safetensors interop fixtures;
                  gen_onnx_fixtures.py's torch_*.json, which hold no non-finite value).
- enc_exact_typed(t): {'shape', 'dtype', 'data'}; the values of enc_exact with enc's dtype names
                  (bool and int as integers); non-finite floats are left to write_json, which refuses
                  them. The ONNX fixtures (gen_onnx_*.py, read by packages/onnx/test).
"""
import json
import math
import os

import torch

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
D = torch.float64


def repo_path(*parts):
    """A path under the repository root: repo_path('packages', 'tensor', 'test', 'fixtures')."""
    return os.path.join(REPO, *parts)


# ---- random inputs ------------------------------------------------------------------------------

def r32(t):
    """Rounds a float64 tensor to float32 values (kept in float64): the reference then runs on exactly
    the inputs nnet gets, so only the final float32 rounding separates the two."""
    return t.to(torch.float32).to(D)


def rnd(*shape, scale=1.0):
    """float64 N(0, scale²) values rounded to float32."""
    return r32(torch.randn(shape, dtype=D) * scale)


def away(t, kinks, margin=0.1):
    """Moves every value closer than `margin` to a kink out to exactly `margin` away from it (up if
    it is at or above the kink), rounded to float32: central finite differences stay meaningful."""
    for k in kinks:
        d = t - k
        s = torch.where(d >= 0, torch.ones_like(d), -torch.ones_like(d))
        t = torch.where(d.abs() < margin, k + s * margin, t)
    return r32(t)


def uni(lo, hi, *shape):
    """float64 U(lo, hi) values rounded to float32."""
    return r32(torch.rand(shape, dtype=D) * (hi - lo) + lo)

# ---- encodings ----------------------------------------------------------------------------------

def fnum(v):
    """A float to 8 significant digits; NaN and the infinities as 'NaN', 'Infinity', '-Infinity'."""
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float('%.8g' % v)


def fnums(v):
    """fnum over a number or nested lists of numbers (tensor.tolist())."""
    return [fnums(x) for x in v] if isinstance(v, list) else fnum(v)


def _f32(t):
    return [fnum(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def enc(t):
    """{'dtype', 'shape', 'data'}: bool and int32/int64 as integers (dtype 'bool' / 'int32'),
    everything else as float32 values (fnum)."""
    t = t.detach()
    dt = {torch.bool: 'bool', torch.int32: 'int32', torch.int64: 'int32'}.get(t.dtype, 'float32')
    data = _f32(t) if dt == 'float32' else [int(v) for v in t.reshape(-1).tolist()]
    return {'dtype': dt, 'shape': list(t.shape), 'data': data}


def enc_untyped(t):
    """{'shape', 'data'} with the float32 values of enc (any dtype is stored as floats)."""
    return {'shape': list(t.shape), 'data': _f32(t)}


def enc_exact(t):
    """{'shape', 'data'} with the values as PyTorch holds them; non-finite floats as 'nan', 'inf', '-inf'."""
    fix = lambda v: 'nan' if v != v else ('inf' if v == math.inf else ('-inf' if v == -math.inf else v))
    return {'shape': list(t.shape), 'data': [fix(v) if isinstance(v, float) else v for v in t.reshape(-1).tolist()]}


def enc_exact_typed(t):
    """{'shape', 'dtype', 'data'}: bool and int32/int64 as integers (dtype 'bool' / 'int32'), any
    floating dtype as 'float32' with the values exactly as PyTorch holds them (no rounding). NaN and
    the infinities stay floats, so write_json refuses them."""
    t = t.detach()
    dt = 'bool' if t.dtype == torch.bool else ('float32' if t.is_floating_point() else 'int32')
    data = t.reshape(-1).tolist() if dt == 'float32' else t.reshape(-1).int().tolist()
    return {'shape': list(t.shape), 'dtype': dt, 'data': data}


# ---- op cases (the ops_extra.json / ops_fused.json format, read by packages/tensor/test/ops_extra.test.ts) --

def op_case(cases, op, fn, inputs, grad=None, kwargs=None, name=None, float64_grad_only=False):
    """Appends to `cases` the case of fn(*inputs, **kwargs): the op's key (the test maps it to the nnet
    call), the encoded inputs, keyword arguments and output(s), and, for the inputs marked in `grad`
    (default: the float64 ones), the gradients of sum(out[0] * W) for a fixed random W stored with the
    case (zeros where an input does not reach the output). float64_grad_only: no gradients unless
    out[0] is float64."""
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
    if any(grad) and (first.dtype == D or not float64_grad_only) and first.requires_grad:
        w = rnd(*first.shape)
        gs = torch.autograd.grad((first * w).sum(), [x for x, g in zip(xs, grad) if g], allow_unused=True)
        it = iter(gs)
        entry['weight'] = enc(w)
        entry['grads'] = [(lambda v: enc(v) if v is not None else enc(torch.zeros_like(x)))(next(it)) if g else None
                          for x, g in zip(xs, grad)]
    cases.append(entry)

# ---- files --------------------------------------------------------------------------------------

def write_json(path, value, newline=True, **dump_options):
    """Writes `value` as JSON (strict: NaN or an infinity is an error, encode them first), creating the
    folder. dump_options go to json.dump (separators, indent); newline: end the file with one."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(value, f, allow_nan=False, **dump_options)
        if newline:
            f.write('\n')
