#!/usr/bin/env python3
"""PyTorch reference values for the extended op library of @nnet/tensor (packages/tensor/test/ops_extra.test.ts).

Run from the repository root:  /usr/bin/python3 scripts/gen_ops_fixtures.py   (Debian: apt-get install python3-torch)
Writes packages/tensor/test/fixtures/ops_extra.json and, further down, packages/layers/test/fixtures/layers_extra.json,
packages/loss/test/fixtures/{losses_extra,ctc}.json. CI never runs this; the JSON is committed.

Each case: the op's key (the test maps it to the nnet call), its inputs, keyword arguments, the output(s)
and the gradient of sum(out * W) w.r.t. every input marked in `grad`, for a fixed random W stored with
the case. Inputs are random float32 values (rounded before the reference runs in float64), kept a margin
away from kinks where an op has them, so only the final float32 rounding separates nnet from the reference.
"""
import torch
import torch.nn.functional as F

from fixture_io import D, away, enc, op_case, r32, repo_path, rnd, uni, write_json

torch.manual_seed(20)
FIXTURES = {'ops': ('tensor', 'ops_extra.json'), 'layers': ('layers', 'layers_extra.json'),
            'losses': ('loss', 'losses_extra.json'), 'ctc': ('loss', 'ctc.json')}


def save(which, cases):
    """Writes one of the FIXTURES (packages/<package>/test/fixtures/<file>)."""
    pkg, name = FIXTURES[which]
    path = repo_path('packages', pkg, 'test', 'fixtures', name)
    write_json(path, {'generator': 'scripts/gen_ops_fixtures.py', 'torch': torch.__version__, 'cases': cases},
               newline=False, separators=(',', ':'))
    print(f'{len(cases)} {which} cases -> {path}')


cases = []


def case(op, fn, inputs, grad=None, kwargs=None, name=None):
    """An op case of ops_extra.json (fixture_io.op_case); gradients only of a float64 first output."""
    op_case(cases, op, fn, inputs, grad, kwargs, name, float64_grad_only=True)


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

# ---- elementwise math ----------------------------------------------------------------------------------
def T(v):
    return r32(torch.tensor(v, dtype=D))
case('tan', torch.tan, [uni(-1.4, 1.4, 3, 4)])
case('atan', torch.atan, [torch.cat([rnd(8, scale=3), T([0.0, 1e-4, -1e-5, 0.4, 0.42, 1.0, -1.0, 2.4, 30.0, -1e6])])])
case('atan', torch.atan, [T([float('inf'), float('-inf'), float('nan')])], grad=[False], name='atan infinities and NaN')
case('asin', torch.asin, [torch.cat([uni(-0.95, 0.95, 8), T([0.0, 1e-5, -0.999, 0.9999])])])
case('asin', torch.asin, [T([1.0, -1.0, 1.5, -2.0])], grad=[False], name='asin at and beyond ±1')
case('acos', torch.acos, [torch.cat([uni(-0.95, 0.95, 8), T([0.0, 1e-5, -0.999, 0.9999])])])
case('acos', torch.acos, [T([1.0, -1.0, 1.5])], grad=[False], name='acos at and beyond ±1')
case('sinh', torch.sinh, [torch.cat([rnd(8, scale=3), T([0.0, 1e-4, -1e-6, 20.0, -30.0])])])
case('cosh', torch.cosh, [torch.cat([rnd(8, scale=3), T([0.0, 1e-4, 20.0, -30.0])])])
case('asinh', torch.asinh, [torch.cat([rnd(8, scale=3), T([0.0, 1e-5, -1e-5, 1e3, -1e12])])])
case('acosh', torch.acosh, [torch.cat([uni(1.05, 10, 8), T([1.0001, 1e12])])])
case('acosh', torch.acosh, [T([1.0, 0.5])], grad=[False], name='acosh at 1 and below')
case('atanh', torch.atanh, [torch.cat([uni(-0.95, 0.95, 8), T([0.0, 1e-6, -0.999])])])
case('atanh', torch.atanh, [T([1.0, -1.0, 2.0])], grad=[False], name='atanh at ±1 and beyond')
case('expm1', torch.expm1, [torch.cat([rnd(8, scale=2), T([0.0, 1e-7, -1e-5, 3e-4, 20.0, -30.0])])])
case('log2', torch.log2, [uni(0.1, 10, 3, 4)])
case('log10', torch.log10, [uni(0.1, 10, 3, 4)])
case('trunc', torch.trunc, [away(rnd(3, 4, scale=4), [-4, -3, -2, -1, 0, 1, 2, 3, 4])])
case('trunc', torch.trunc, [torch.randint(-9, 9, (5,), dtype=torch.int32)], name='trunc int32')
ys = torch.cat([rnd(6, scale=2), T([0.0, -0.0, 1.0, -1.0, 0.0, -0.0, float('inf'), float('-inf')])])
xs = torch.cat([rnd(6, scale=2), T([1.0, 1.0, 0.0, 0.0, -1.0, -1.0, float('-inf'), float('inf')])])
case('atan2', torch.atan2, [ys, xs], grad=[False, False], name='atan2 quadrants, zeros, infinities')
case('atan2', torch.atan2, [rnd(3, 4), away(rnd(4), [0], 0.3)], name='atan2 broadcast, gradients')
def divpair(*shape):
    a = rnd(*shape, scale=5)
    b = away(rnd(*shape, scale=2), [0], 0.5)
    q = a / b
    # keep a/b away from integers (the kinks of trunc/floor)
    a = r32(torch.where((q - q.round()).abs() < 0.05, q + 0.2, q) * b)
    return a, b
fa, fb = divpair(3, 4)
case('fmod', torch.fmod, [fa, fb])
case('remainder', torch.remainder, [fa, fb])
case('floorDivide', torch.floor_divide, [fa, fb], grad=[False, False])
ia = torch.tensor([7, -7, 7, -7, 0, 9], dtype=torch.int32)
ib = torch.tensor([3, 3, -3, -3, 2, 4], dtype=torch.int32)
case('fmod', torch.fmod, [ia, ib], name='fmod int32')
case('remainder', torch.remainder, [ia, ib], name='remainder int32')
case('floorDivide', torch.floor_divide, [ia, ib], name='floorDivide int32')
case('lerp', torch.lerp, [rnd(3, 4), rnd(4), rnd(3, 1)], name='lerp tensor weight, broadcast')
case('lerpScalar', lambda a, b, weight: torch.lerp(a, b, weight), [rnd(3, 4), rnd(3, 4)], kwargs={'weight': 0.3}, name='lerp number weight')
case('addcmul', torch.addcmul, [rnd(3, 4), rnd(3, 1), rnd(4)], kwargs={'value': 0.5})
case('addcdiv', torch.addcdiv, [rnd(3, 4), rnd(3, 4), uni(0.5, 2, 4)], kwargs={'value': -2.0})
case('logaddexp', torch.logaddexp, [rnd(3, 4, scale=5), rnd(4, scale=5)])
case('logaddexp', torch.logaddexp, [T([float('-inf'), float('inf'), 100.0, -100.0]), T([float('-inf'), float('inf'), 1.0, 3.0])], grad=[False, False], name='logaddexp infinities')
xl = rnd(3, 4)
xl[0, :2] = 0
case('xlogy', torch.xlogy, [xl, uni(0.1, 3, 3, 4)], name='xlogy with zeros in x')
case('xlogy', torch.xlogy, [T([0.0, 0.0, 1.0, 0.0]), T([0.0, float('nan'), 0.0, -1.0])], grad=[False, False], name='xlogy edge values')
cx = rnd(3, 4, scale=2)
lo = rnd(3, 4) - 1
hi = rnd(4) + 1
cx = torch.where((cx - lo).abs() < 0.1, cx + 0.3, cx)
cx = r32(torch.where((cx - hi).abs() < 0.1, cx + 0.3, cx))
case('clampTensor', lambda x, mn, mx: torch.clamp(x, mn, mx), [cx, lo, hi], name='clamp tensor bounds')
case('clampTensor', lambda x, mn, mx: torch.clamp(x, mn, mx), [T([1.0, 5.0, -5.0]), T([2.0, 2.0, 2.0]), T([0.0, 0.0, 0.0])], name='clamp min > max gives max')

# ---- reductions and distances -------------------------------------------------------------------------------
case('all', torch.all, [torch.tensor([[1, 0, 2], [3, 4, 5]], dtype=torch.int32)], kwargs={'dim': 1})
case('any', torch.any, [torch.tensor([[0.0, 0.0, 0.0], [0.0, 0.5, 0.0]], dtype=D)], grad=[False], kwargs={'dim': 1})
case('allAll', torch.all, [torch.tensor([True, True])], name='all of everything')
case('anyAll', torch.any, [torch.zeros(0)], grad=[False], name='any of nothing')
nx = rnd(3, 4)
nx[1] = 0
for p in (2, 1, 3, 0.5):
    case('norm', lambda x, p, dim, keepdim: torch.linalg.vector_norm(x, p, dim, keepdim), [nx], kwargs={'p': p, 'dim': 1, 'keepdim': False}, name=f'norm p={p} over dim 1 (a zero row)')
case('norm', lambda x, p, dim, keepdim: torch.linalg.vector_norm(x, float('inf'), dim, keepdim), [distinct := (torch.randperm(12).to(D) - 6).reshape(3, 4)], kwargs={'p': 'inf', 'dim': [0], 'keepdim': True}, name='norm p=inf keepdim')
case('norm', lambda x, p, dim, keepdim: torch.linalg.vector_norm(x, 2, None, False), [rnd(2, 3)], kwargs={'p': 2, 'dim': None, 'keepdim': False}, name='norm of everything')
case('norm', lambda x, p, dim, keepdim: torch.linalg.vector_norm(x, 0, dim, keepdim), [nx], grad=[False], kwargs={'p': 0, 'dim': 1, 'keepdim': False}, name='norm p=0 counts non-zeros')
case('cosineSimilarity', F.cosine_similarity, [rnd(4, 5), rnd(4, 5)], kwargs={'dim': 1})
case('cosineSimilarity', F.cosine_similarity, [rnd(2, 3, 5), rnd(3, 5)], kwargs={'dim': -1}, name='cosineSimilarity broadcast')
case('cdist', torch.cdist, [rnd(5, 3), rnd(4, 3)], kwargs={'p': 2.0})
case('cdist', torch.cdist, [rnd(2, 3, 4), rnd(2, 2, 4)], kwargs={'p': 1.0}, name='cdist batched p=1')

# ---- shape ---------------------------------------------------------------------------------------------
case('repeat', lambda x, repeats: x.repeat(*repeats), [rnd(2, 3)], kwargs={'repeats': [2, 1, 3]})
case('tile', lambda x, reps: torch.tile(x, reps), [rnd(2, 3)], kwargs={'reps': [2]})
case('flip', lambda x, dims: torch.flip(x, dims), [rnd(2, 3, 4)], kwargs={'dims': [0, 2]})
case('roll', lambda x, shifts, dims: torch.roll(x, shifts, dims), [rnd(3, 4)], kwargs={'shifts': [1, -5], 'dims': [0, 1]})
case('roll', lambda x, shifts, dims: torch.roll(x, shifts), [rnd(3, 4)], kwargs={'shifts': 2, 'dims': None}, name='roll flattened')
for mode in ('constant', 'reflect', 'replicate', 'circular'):
    case('pad', lambda x, pad, mode, value: F.pad(x, pad, mode=mode, value=value) if mode == 'constant' else F.pad(x, pad, mode=mode),
         [rnd(2, 3, 4, 5)], kwargs={'pad': [2, 1, 1, 2], 'mode': mode, 'value': 0.5 if mode == 'constant' else 0.0}, name=f'pad {mode} 2-d')
    case('pad', lambda x, pad, mode, value: F.pad(x, pad, mode=mode, value=value) if mode == 'constant' else F.pad(x, pad, mode=mode),
         [rnd(2, 3, 4)], kwargs={'pad': [3, 0], 'mode': mode, 'value': 0.0}, name=f'pad {mode} 1-d')
case('pad', lambda x, pad, mode, value: F.pad(x, pad, mode=mode, value=value), [rnd(3, 5)], kwargs={'pad': [-1, 2, 1, -1], 'mode': 'constant', 'value': 0.0}, name='pad constant negative (crop)')
case('diag', lambda x, diagonal: torch.diag(x, diagonal), [rnd(3)], kwargs={'diagonal': 0}, name='diag vector')
case('diag', lambda x, diagonal: torch.diag(x, diagonal), [rnd(3)], kwargs={'diagonal': -2}, name='diag vector below')
case('diag', lambda x, diagonal: torch.diag(x, diagonal), [rnd(3, 5)], kwargs={'diagonal': 1}, name='diag of matrix above')
case('diag', lambda x, diagonal: torch.diag(x, diagonal), [rnd(4, 3)], kwargs={'diagonal': -1}, name='diag of matrix below')
case('outer', torch.outer, [rnd(3), rnd(4)])
for eq_, shapes in [('bij,bjk->bik', [(2, 3, 4), (2, 4, 5)]), ('ij->ji', [(3, 4)]), ('ii->i', [(3, 3)]), ('ii', [(4, 4)]),
                    ('i,j->ij', [(3,), (4,)]), ('ij,ij->', [(3, 4), (3, 4)]), ('bhqd,bhkd->bhqk', [(2, 2, 3, 4), (2, 2, 5, 4)]),
                    ('...ij,...jk->...ik', [(2, 1, 3, 4), (3, 4, 2)]), ('ijk,jl,lk->il', [(2, 3, 4), (3, 5), (5, 4)]),
                    ('ik,kj', [(2, 3), (3, 4)]), ('bn,anm,bm->ba', [(2, 3), (4, 3, 5), (2, 5)])]:
    case('einsum', lambda *xs, equation: torch.einsum(equation, *xs), [rnd(*sh) for sh in shapes], kwargs={'equation': eq_}, name=f'einsum {eq_}')

# ---- scans, sorting, scatter ----------------------------------------------------------------------------
case('cumsum', torch.cumsum, [rnd(3, 4)], kwargs={'dim': 1})
case('cumsum', torch.cumsum, [rnd(3, 4)], kwargs={'dim': -2}, name='cumsum dim -2')
case('cumsum', torch.cumsum, [torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.int32)], kwargs={'dim': 1}, name='cumsum int32')
cp = rnd(3, 5)
cp[0, 2] = 0
cp[1, 1] = 0
cp[1, 3] = 0
case('cumprod', torch.cumprod, [cp], kwargs={'dim': 1}, name='cumprod with zeros')
case('cumprod', torch.cumprod, [rnd(4, 2)], kwargs={'dim': 0}, name='cumprod dim 0')
perm = (torch.randperm(20).to(D) - 10).reshape(4, 5) / 4
case('sort', lambda x, dim, descending: torch.sort(x, dim, descending), [perm], kwargs={'dim': 1, 'descending': False})
case('sort', lambda x, dim, descending: torch.sort(x, dim, descending), [perm], kwargs={'dim': 0, 'descending': True}, name='sort descending dim 0')
case('sort', lambda x, dim, descending: torch.sort(x, stable=True, dim=dim, descending=descending), [T([2.0, float('nan'), 1.0, 2.0, float('nan'), -1.0])], grad=[False], kwargs={'dim': 0, 'descending': False}, name='sort NaN last, ties stable')
case('sort', lambda x, dim, descending: torch.sort(x, stable=True, dim=dim, descending=descending), [T([2.0, float('nan'), 1.0, 2.0, -1.0])], grad=[False], kwargs={'dim': 0, 'descending': True}, name='sort descending NaN first')
case('argsort', lambda x, dim, descending: torch.argsort(x, dim, descending), [perm], kwargs={'dim': -1, 'descending': True})
case('topk', lambda x, k, dim, largest: torch.topk(x, k, dim, largest), [perm], kwargs={'k': 3, 'dim': 1, 'largest': True})
case('topk', lambda x, k, dim, largest: torch.topk(x, k, dim, largest), [perm], kwargs={'k': 2, 'dim': 0, 'largest': False}, name='topk smallest dim 0')
case('median', lambda x, dim, keepdim: torch.median(x, dim, keepdim), [perm], kwargs={'dim': 1, 'keepdim': False})
case('median', lambda x, dim, keepdim: torch.median(x, dim, keepdim), [perm[:, :4]], kwargs={'dim': 1, 'keepdim': True}, name='median even count keepdim')
case('medianAll', torch.median, [perm], name='median of all')
case('median', lambda x, dim, keepdim: torch.median(x, dim, keepdim), [T([[1.0, float('nan'), 3.0], [3.0, 1.0, 2.0]])], grad=[False], kwargs={'dim': 1, 'keepdim': False}, name='median NaN row')
si = torch.tensor([[0, 2, 1], [2, 0, 0]], dtype=torch.int32)
case('scatter', lambda x, index, src, dim: torch.scatter(x, dim, index.long(), src), [rnd(3, 3), torch.tensor([[0, 1, 2], [2, 0, 1]]).to(torch.int32), rnd(2, 3)], grad=[True, False, True], kwargs={'dim': 0})
case('scatterValue', lambda x, index, dim, value: torch.scatter(x, dim, index.long(), value), [rnd(2, 4), torch.tensor([[1, 3], [0, 2]]).to(torch.int32)], grad=[True, False], kwargs={'dim': 1, 'value': -1.5}, name='scatter a number')
case('scatterAdd', lambda x, index, src, dim: torch.scatter_add(x, dim, index.long(), src), [rnd(3, 3), si, rnd(2, 3)], grad=[True, False, True], kwargs={'dim': 0}, name='scatterAdd duplicate indices')
case('scatterAdd', lambda x, index, src, dim: torch.scatter_add(x, dim, index.long(), src), [rnd(3, 3), si, rnd(2, 4)], grad=[False, False, False], kwargs={'dim': 0}, name='scatterAdd src larger than index (values)')
case('indexAdd', lambda x, index, source, dim, alpha: torch.index_add(x, dim, index.long(), source, alpha=alpha), [rnd(3, 4), torch.tensor([0, 2, 0], dtype=torch.int32), rnd(3, 3)], grad=[True, False, True], kwargs={'dim': 1, 'alpha': 2.0})
case('nonzero', torch.nonzero, [torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], dtype=D)], grad=[False])
case('maskedSelect', torch.masked_select, [rnd(2, 3), torch.tensor([True, False, True])])

# ---- normalisation -----------------------------------------------------------------------------------------
case('layerNorm', lambda x, w, b, shape, eps: F.layer_norm(x, shape, w, b, eps), [rnd(2, 3, 4), rnd(3, 4), rnd(3, 4)], kwargs={'shape': [3, 4], 'eps': 1e-5})
case('rmsNorm', lambda x, w, shape, eps: x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w, [rnd(2, 3, 4), rnd(4)], kwargs={'shape': [4], 'eps': 1e-6}, name='rmsNorm (x/sqrt(mean x^2 + eps)·w)')
case('groupNorm', lambda x, w, b, groups: F.group_norm(x, groups, w, b), [rnd(2, 6, 3, 2), rnd(6), rnd(6)], kwargs={'groups': 3})
case('batchNormTrain', lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [rnd(4, 3, 5), rnd(3), rnd(3)], name='batchNorm training, no running stats')
rm, rv = rnd(3), uni(0.5, 2, 3)
case('batchNormEval', lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, training=False), [rnd(4, 3), rnd(3), rnd(3), rm, rv], grad=[True, True, True, False, False], name='batchNorm eval, running stats')
case('instanceNorm', lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [rnd(2, 3, 5), rnd(3), rnd(3)])
bx = rnd(4, 3, 5)
rm0, rv0 = rnd(3), uni(0.5, 2, 3)
rm1, rv1 = rm0.clone(), rv0.clone()
F.batch_norm(bx, rm1, rv1, training=True, momentum=0.2)
case('batchNormRunning', lambda x, rm, rv: (x, rm1, rv1), [bx, rm0, rv0], grad=[False, False, False], name='batchNorm updates running stats in place')
ix = rnd(2, 3, 5)
rm2, rv2 = rm0.clone(), rv0.clone()
F.instance_norm(ix, rm2, rv2, use_input_stats=True, momentum=0.2)
case('instanceNormRunning', lambda x, rm, rv: (x, rm2, rv2), [ix, rm0, rv0], grad=[False, False, False], name='instanceNorm updates running stats (batch-averaged)')

# ---- convolution and pooling ---------------------------------------------------------------------------------
case('conv1d', lambda x, w, b, stride, padding, dilation, groups: F.conv1d(x, w, b, stride, padding, dilation, groups),
     [rnd(2, 4, 9), rnd(6, 2, 3), rnd(6)], kwargs={'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2})
case('conv1d', lambda x, w, b, stride, padding, dilation, groups: F.conv1d(x, w, b, stride, padding, dilation, groups),
     [rnd(1, 2, 7), rnd(3, 2, 4), rnd(3)], kwargs={'stride': 1, 'padding': 'same', 'dilation': 1, 'groups': 1}, name='conv1d same (even kernel)')
case('conv3d', lambda x, w, b, stride, padding, dilation, groups: F.conv3d(x, w, b, stride, padding, dilation, groups),
     [rnd(2, 2, 5, 4, 4), rnd(3, 2, 3, 2, 2), rnd(3)], kwargs={'stride': [2, 1, 1], 'padding': [1, 1, 0], 'dilation': 1, 'groups': 1})
case('conv3d', lambda x, w, b, stride, padding, dilation, groups: F.conv3d(x, w, b, stride, padding, dilation, groups),
     [rnd(1, 4, 6, 3, 3), rnd(2, 2, 2, 3, 3), rnd(2)], kwargs={'stride': 1, 'padding': 1, 'dilation': [2, 1, 1], 'groups': 2}, name='conv3d dilated depth, groups')
px = (torch.randperm(2 * 2 * 7 * 6).to(D) / 10).reshape(2, 2, 7, 6)
case('maxPool2d', lambda x, k, stride, padding, dilation, ceil_mode: F.max_pool2d(x, k, stride, padding, dilation, ceil_mode),
     [px], kwargs={'k': 3, 'stride': 2, 'padding': 1, 'dilation': 1, 'ceil_mode': True}, name='maxPool2d ceilMode')
case('maxPool2d', lambda x, k, stride, padding, dilation, ceil_mode: F.max_pool2d(x, k, stride, padding, dilation, ceil_mode),
     [px], kwargs={'k': 2, 'stride': 1, 'padding': 0, 'dilation': 2, 'ceil_mode': False}, name='maxPool2d dilation')
case('maxPool2d', lambda x, k, stride, padding, dilation, ceil_mode: F.max_pool2d(x, k, stride, padding, dilation, ceil_mode),
     [px], kwargs={'k': [3, 2], 'stride': [2, 3], 'padding': [1, 0], 'dilation': [1, 2], 'ceil_mode': True}, name='maxPool2d ceilMode + dilation, pairs')
for cip in (True, False):
    case('avgPool2d', lambda x, k, stride, padding, ceil_mode, count_include_pad, divisor_override: F.avg_pool2d(x, k, stride, padding, ceil_mode, count_include_pad, divisor_override),
         [rnd(2, 2, 7, 6)], kwargs={'k': 3, 'stride': 2, 'padding': 1, 'ceil_mode': True, 'count_include_pad': cip, 'divisor_override': None}, name=f'avgPool2d ceilMode countIncludePad={cip}')
case('avgPool2d', lambda x, k, stride, padding, ceil_mode, count_include_pad, divisor_override: F.avg_pool2d(x, k, stride, padding, ceil_mode, count_include_pad, divisor_override),
     [rnd(2, 2, 6, 6)], kwargs={'k': 2, 'stride': 2, 'padding': 0, 'ceil_mode': False, 'count_include_pad': True, 'divisor_override': 3}, name='avgPool2d divisorOverride')
p1 = (torch.randperm(2 * 3 * 9).to(D) / 10).reshape(2, 3, 9)
case('maxPool1d', lambda x, k, stride, padding, dilation, ceil_mode: F.max_pool1d(x, k, stride, padding, dilation, ceil_mode),
     [p1], kwargs={'k': 3, 'stride': 2, 'padding': 1, 'dilation': 1, 'ceil_mode': False})
case('maxPool1d', lambda x, k, stride, padding, dilation, ceil_mode: F.max_pool1d(x, k, stride, padding, dilation, ceil_mode),
     [p1], kwargs={'k': 2, 'stride': 2, 'padding': 0, 'dilation': 3, 'ceil_mode': True}, name='maxPool1d dilation ceilMode')
case('avgPool1d', lambda x, k, stride, padding, ceil_mode, count_include_pad: F.avg_pool1d(x, k, stride, padding, ceil_mode, count_include_pad),
     [rnd(2, 3, 9)], kwargs={'k': 4, 'stride': 3, 'padding': 2, 'ceil_mode': True, 'count_include_pad': False})
case('adaptiveAvgPool2d', lambda x, size: F.adaptive_avg_pool2d(x, size), [rnd(2, 3, 7, 5)], kwargs={'size': [3, 2]})
case('adaptiveMaxPool2d', lambda x, size: F.adaptive_max_pool2d(x, size), [(torch.randperm(2 * 3 * 7 * 5).to(D) / 10).reshape(2, 3, 7, 5)], kwargs={'size': [3, 4]})
case('adaptiveAvgPool1d', lambda x, size: F.adaptive_avg_pool1d(x, size), [rnd(2, 3, 10)], kwargs={'size': 4})
case('adaptiveMaxPool1d', lambda x, size: F.adaptive_max_pool1d(x, size), [p1], kwargs={'size': 4})

# ---- resizing and patches --------------------------------------------------------------------------------
def interp(x, size, scale_factor, mode, align_corners):
    return F.interpolate(x, size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners)
for kw, nm in [({'size': [5, 7], 'scale_factor': None, 'mode': 'nearest', 'align_corners': None}, 'nearest to a size'),
               ({'size': None, 'scale_factor': 1.7, 'mode': 'nearest', 'align_corners': None}, 'nearest scale 1.7'),
               ({'size': [7, 3], 'scale_factor': None, 'mode': 'bilinear', 'align_corners': False}, 'bilinear size'),
               ({'size': [7, 3], 'scale_factor': None, 'mode': 'bilinear', 'align_corners': True}, 'bilinear size alignCorners'),
               ({'size': None, 'scale_factor': [2.5, 0.5], 'mode': 'bilinear', 'align_corners': False}, 'bilinear scale factors')]:
    case('interpolate', interp, [rnd(2, 2, 4, 6)], kwargs=kw, name=f'interpolate {nm}')
case('interpolate', interp, [rnd(2, 3, 5)], kwargs={'size': [8], 'scale_factor': None, 'mode': 'linear', 'align_corners': False}, name='interpolate linear 1-d')
case('interpolate', interp, [rnd(1, 2, 3, 4, 2)], kwargs={'size': [4, 3, 5], 'scale_factor': None, 'mode': 'trilinear', 'align_corners': True}, name='interpolate trilinear alignCorners')
case('interpolate', interp, [rnd(1, 2, 3, 4, 2)], kwargs={'size': None, 'scale_factor': 2.0, 'mode': 'nearest', 'align_corners': None}, name='interpolate nearest 3-d')
case('unfold', lambda x, k, dilation, padding, stride: F.unfold(x, k, dilation, padding, stride), [rnd(2, 3, 5, 6)], kwargs={'k': [2, 3], 'dilation': 1, 'padding': 1, 'stride': [2, 1]})
case('unfold', lambda x, k, dilation, padding, stride: F.unfold(x, k, dilation, padding, stride), [rnd(1, 2, 6, 6)], kwargs={'k': 2, 'dilation': 2, 'padding': 0, 'stride': 2}, name='unfold dilated')
case('fold', lambda c, out, k, dilation, padding, stride: F.fold(c, out, k, dilation, padding, stride), [rnd(2, 3 * 6, 15)], kwargs={'out': [4, 5], 'k': [2, 3], 'dilation': 1, 'padding': [1, 0], 'stride': 1})

long_rows = (torch.randperm(2 * 400).to(D) / 7 - 50).reshape(2, 400)
case('topk', lambda x, k, dim, largest: torch.topk(x, k, dim, largest), [long_rows], kwargs={'k': 4, 'dim': 1, 'largest': True}, name='topk long rows (picks)')
case('topk', lambda x, k, dim, largest: torch.topk(x, k, dim, largest), [long_rows], kwargs={'k': 40, 'dim': 1, 'largest': False}, name='topk long rows, large k (bitonic sort)')
case('sort', lambda x, dim, descending: torch.sort(x, dim, descending), [long_rows.t()], kwargs={'dim': 0, 'descending': True}, name='sort long columns (bitonic)')

save('ops', cases)

# ================================================================================================
# Layer fixtures for packages/layers/test/layers_extra.test.ts: the new modules with random
# parameters: forward, gradients of the input and every parameter, running statistics.
import torch.nn as nn

layer_cases = []


class TorchRMSNorm(nn.Module):
    """PyTorch 1.13 has no nn.RMSNorm: x/sqrt(mean(x^2) + eps)*weight, as torch 2.4's."""

    def __init__(self, shape, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(shape, dtype=D))
        self.dims = tuple(range(-len(shape), 0))

    def forward(self, x):
        return x / torch.sqrt((x * x).mean(self.dims, keepdim=True) + self.eps) * self.weight


def layer_case(kind, args, module, x_shape, train=True, steps=1, eval_after=False, kwargs=None):
    module = module.to(D)
    params = {}
    with torch.no_grad():
        for n, p in module.named_parameters():
            p.copy_(rnd(*p.shape) * 0.5 + (1.0 if 'weight' in n and 'Norm' in kind else 0.0))
            params[n] = enc(p)
    module.train(train)
    entry = {'kind': kind, 'args': args, 'kwargs': kwargs or {}, 'params': params, 'steps': []}
    for _ in range(steps):
        x = rnd(*x_shape).requires_grad_()
        y = module(x)
        w = rnd(*y.shape)
        names = [n for n, _ in module.named_parameters()]
        grads = torch.autograd.grad((y * w).sum(), [x] + [p for _, p in module.named_parameters()])
        step = {'x': enc(x), 'out': enc(y), 'weight': enc(w), 'gradX': enc(grads[0]),
                'gradParams': {n: enc(g) for n, g in zip(names, grads[1:])}}
        bufs = {n: enc(b) for n, b in module.named_buffers() if 'num_batches' not in n}
        if bufs:
            step['buffers'] = bufs
        entry['steps'].append(step)
    if eval_after:
        module.eval()
        x = rnd(*x_shape)
        entry['eval'] = {'x': enc(x), 'out': enc(module(x))}
    layer_cases.append(entry)


layer_case('GroupNorm', [2, 6], nn.GroupNorm(2, 6), (3, 6, 4))
layer_case('InstanceNorm1d', [3], nn.InstanceNorm1d(3, affine=True), (2, 3, 5))
layer_case('InstanceNorm2d', [3], nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3), (2, 3, 4, 4),
           steps=2, eval_after=True, kwargs={'affine': True, 'trackRunningStats': True, 'momentum': 0.3})
layer_case('RMSNorm', [[3, 4]], TorchRMSNorm((3, 4), 1e-6), (2, 3, 4), kwargs={'eps': 1e-6})
layer_case('PReLU', [3], nn.PReLU(3), (2, 3, 5))
layer_case('Conv1d', [4, 6, 3], nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 9), kwargs={'stride': 2, 'padding': 1, 'groups': 2})
layer_case('Conv3d', [2, 3, [2, 3, 3]], nn.Conv3d(2, 3, (2, 3, 3), padding=(0, 1, 1)), (1, 2, 4, 5, 5), kwargs={'padding': [0, 1, 1]})
for kind, mod in [('SiLU', nn.SiLU()), ('ELU', nn.ELU(0.5)), ('SELU', nn.SELU()), ('Mish', nn.Mish()), ('Hardtanh', nn.Hardtanh(-0.5, 0.5)),
                  ('ReLU6', nn.ReLU6()), ('Hardswish', nn.Hardswish()), ('Hardsigmoid', nn.Hardsigmoid()), ('Softsign', nn.Softsign()),
                  ('LogSigmoid', nn.LogSigmoid()), ('GLU', nn.GLU(1))]:
    args = {'ELU': [0.5], 'Hardtanh': [-0.5, 0.5], 'GLU': [1]}.get(kind, [])
    layer_case(kind, args, mod, (3, 4))

save('layers', layer_cases)

# ================================================================================================
# Loss fixtures for packages/loss/test/losses_extra.test.ts: values and the gradient of every float
# input of sum(loss · W) (W = 1 for reduced losses).
loss_cases = []


def loss_case(loss, fn, inputs, grad, options, name=None):
    xs = [t.clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    out = fn(*xs)
    w = rnd(*out.shape) if out.dim() > 0 else torch.tensor(1.0, dtype=D)
    gs = torch.autograd.grad((out * w).sum(), [x for x, g in zip(xs, grad) if g])
    it = iter(gs)
    loss_cases.append({'loss': loss, 'name': name or f"{loss} {options.get('reduction', 'mean')}", 'options': options,
                       'inputs': [enc(t) for t in inputs], 'out': enc(out), 'weight': enc(w),
                       'grads': [enc(next(it)) if g else None for g in grad]})


sgn = lambda *s: torch.where(torch.rand(s) > 0.5, 1.0, -1.0).to(D)
for red in ('mean', 'sum', 'none'):
    loss_case('marginRanking', lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=red), [rnd(6), rnd(6), sgn(6)], [True, True, False], {'margin': 0.3, 'reduction': red})
    loss_case('hingeEmbedding', lambda x, y: F.hinge_embedding_loss(x, y, margin=1.5, reduction=red), [away(rnd(4, 3), [1.5]), sgn(4, 3)], [True, False], {'margin': 1.5, 'reduction': red})
    loss_case('cosineEmbedding', lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.2, reduction=red), [rnd(5, 4), rnd(5, 4), sgn(5)], [True, True, False], {'margin': 0.2, 'reduction': red})
    loss_case('tripletMargin', lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=1.0, reduction=red), [rnd(5, 4), rnd(5, 4), rnd(5, 4)], [True, True, True], {'reduction': red})
    loss_case('poissonNll', lambda x, t: F.poisson_nll_loss(x, t, reduction=red), [rnd(4, 3), torch.randint(0, 5, (4, 3)).to(D)], [True, False], {'reduction': red})
    loss_case('gaussianNll', lambda x, t, v: F.gaussian_nll_loss(x, t, v, reduction=red), [rnd(4, 3), rnd(4, 3), uni(0.2, 2, 4, 3)], [True, False, True], {'reduction': red})
    loss_case('multiLabelSoftMargin', lambda x, y: F.multilabel_soft_margin_loss(x, y, reduction=red), [rnd(4, 5), (torch.rand(4, 5) > 0.5).to(D)], [True, False], {'reduction': red})
loss_case('tripletMargin', lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=0.5, p=1, swap=True), [rnd(5, 4), rnd(5, 4), rnd(5, 4)], [True, True, True], {'margin': 0.5, 'p': 1, 'swap': True}, name='tripletMargin p=1 swap')
loss_case('poissonNll', lambda x, t: F.poisson_nll_loss(x, t, log_input=False, full=True), [uni(0.5, 4, 4, 3), torch.randint(0, 6, (4, 3)).to(D)], [True, False], {'logInput': False, 'full': True}, name='poissonNll rate input, full')
loss_case('gaussianNll', lambda x, t, v: F.gaussian_nll_loss(x, t, v, full=True, eps=0.3), [rnd(4, 3), rnd(4, 3), uni(0.05, 1, 4)], [True, False, True], {'full': True, 'eps': 0.3}, name='gaussianNll one var per row, clamped, full')
loss_case('multiLabelSoftMargin', lambda x, y, w: F.multilabel_soft_margin_loss(x, y, weight=w), [rnd(4, 5), (torch.rand(4, 5) > 0.5).to(D), uni(0.5, 2, 5)], [True, False, False], {'weight': 'input 2'}, name='multiLabelSoftMargin weighted')

save('losses', loss_cases)

# ---- CTC (packages/loss/test/ctc.test.ts) -------------------------------------------------------------
ctc_cases = []


def ctc_case(name, T, N, C, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False):
    # PyTorch's CTC backward returns the gradient as seen through a log_softmax (it adds exp(lp)), not
    # the plain gradient w.r.t. log_probs; both agree on the logits, so the fixture differentiates those.
    logits = rnd(T, N, C).requires_grad_()
    lp = torch.log_softmax(logits, 2)
    out = F.ctc_loss(lp, targets.long(), torch.tensor(input_lengths), torch.tensor(target_lengths), blank=blank,
                     reduction=reduction, zero_infinity=zero_infinity)
    w = rnd(*out.shape) if out.dim() > 0 else torch.tensor(1.0, dtype=D)
    (g,) = torch.autograd.grad((out * w).sum(), [logits])
    ctc_cases.append({'name': name, 'logits': enc(logits), 'targets': enc(targets.to(torch.int32)), 'inputLengths': input_lengths,
                      'targetLengths': target_lengths, 'options': {'blank': blank, 'reduction': reduction, 'zeroInfinity': zero_infinity},
                      'out': enc(out), 'weight': enc(w), 'grad': enc(g)})


pad_t = torch.tensor([[1, 2, 2, 3], [3, 1, 0, 0]], dtype=torch.int32)
for red in ('mean', 'sum', 'none'):
    ctc_case(f'padded targets, repeated label, {red}', 8, 2, 4, pad_t, [8, 6], [4, 2], reduction=red)
ctc_case('concatenated targets, blank 3', 7, 3, 5, torch.tensor([1, 1, 0, 2, 4, 0], dtype=torch.int32), [7, 5, 6], [2, 3, 1], blank=3, reduction='none')
ctc_case('empty target', 4, 2, 3, torch.tensor([[1, 2], [0, 0]], dtype=torch.int32), [4, 3], [2, 0], reduction='none')
ctc_case('impossible alignment, zeroInfinity', 3, 2, 4, torch.tensor([[1, 1, 1], [2, 3, 0]], dtype=torch.int32), [3, 3], [3, 2], reduction='none', zero_infinity=True)

save('ctc', ctc_cases)
