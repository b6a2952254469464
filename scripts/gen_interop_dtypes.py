#!/usr/bin/env python3
"""PyTorch's side of the safetensors dtype and state-dict interop fixtures.

PyTorch → nnet (always written):
  packages/tensor/test/fixtures/torch_dtypes.safetensors (+ .json): one tensor of every dtype nnet
    reads (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL; edge values: ties, subnormals,
    overflow, ±0, NaN, ±Inf, int extremes; a 0-d and an empty tensor) and each converted by PyTorch
    to float32 / int32 / bool, which is what nnet must read.
  packages/tensor/test/fixtures/torch_i64_overflow.safetensors: an I64 value outside int32.
  packages/tensor/test/fixtures/round_f16_bf16.json: float32 bit patterns and PyTorch's F16 and
    BF16 rounding of each (.half(), .bfloat16()), the reference for nnet's writer.
  packages/layers/test/fixtures/interop/torch_bn.safetensors (+ torch_bn.json): a CNN + MLP with
    BatchNorm2d and BatchNorm1d after three training steps (num_batches_tracked = 3, stored as I64),
    its state-dict key order, eval outputs on an input, and after one more training step the train
    outputs and buffers; also the key order of a module with its own parameter, buffer and children.
nnet → PyTorch (when nnet's files exist; write them first with
  NNET_WRITE_INTEROP=1 pnpm --filter @nnet/layers exec vitest run test/safetensors_interop.test.ts
  NNET_WRITE_INTEROP=1 pnpm --filter @nnet/train exec vitest run test/node.test.ts):
  interop/nnet_bn{,_f16,_bf16}.safetensors: checks the format, that num_batches_tracked is I64,
    that the F16/BF16 bytes are PyTorch's own rounding of the F32 file, loads each with
    load_state_dict(strict=True) and records the eval outputs (nnet_bn*.torch_out.json).
  packages/train/test/fixtures/exported_checkpoint.safetensors: the model part nnet exported from a
    checkpoint; strict-loaded into the same PyTorch network, outputs in exported_checkpoint.torch_out.json.

Run: /usr/bin/python3 scripts/gen_interop_dtypes.py
  then pnpm exec biome format --write packages/layers/test/fixtures/interop packages/train/test/fixtures
  (biome formats the JSON fixtures outside fixtures/*.json).
"""
import os

import numpy as np
import torch
from torch import nn

from fixture_io import enc_exact, repo_path, write_json
import safetensors_io as st

ROOT = repo_path('packages')
TENSOR = os.path.join(ROOT, 'tensor', 'test', 'fixtures')
INTEROP = os.path.join(ROOT, 'layers', 'test', 'fixtures', 'interop')
TRAIN = os.path.join(ROOT, 'train', 'test', 'fixtures')
for d in (TENSOR, INTEROP, TRAIN):
    os.makedirs(d, exist_ok=True)
inf, nan = float('inf'), float('nan')

# ---- every dtype, PyTorch → nnet --------------------------------------------------------------
torch.manual_seed(0)
tensors = {
    # 1 + 2^-24 and 1 + 3·2^-24 are ties between float32 neighbours: ties go to the even one.
    'f64': torch.tensor([1 / 3, 1 + 2**-24, 1 + 3 * 2**-24, -2.0**-149 * 0.75, 1e-50, 3.5e38, -1e39, 123456789.123, -0.0, nan, inf],
                        dtype=torch.float64),
    'f32': torch.randn(2, 3),
    'f16': torch.tensor([0.0, -0.0, 1.0, 0.1, -2.5, 65504.0, -65504.0, 2.0**-14, 2.0**-24, 3 * 2.0**-24, 1023 * 2.0**-24, inf, -inf, nan],
                        dtype=torch.float16),
    'bf16': torch.tensor([1.0, -0.1, 3.3895313892515355e38, 1e-39, 9.2e-41, 2.0**-133, 257.0, -0.0, inf, nan], dtype=torch.bfloat16),
    'i64': torch.tensor([[0, -1, 2**31 - 1], [-2**31, 42, 7]], dtype=torch.int64),
    'i32': torch.tensor([2**31 - 1, -2**31, 5], dtype=torch.int32),
    'i16': torch.tensor([-32768, 32767, -3], dtype=torch.int16),
    'i8': torch.tensor([-128, 127, 0], dtype=torch.int8),
    'u8': torch.tensor([0, 255, 128], dtype=torch.uint8),
    'bool': torch.tensor([[True, False], [False, True]]),
    'scalar_f16': torch.tensor(-1.5, dtype=torch.float16),
    'empty_i8': torch.zeros(0, 3, dtype=torch.int8),
}
st.write(os.path.join(TENSOR, 'torch_dtypes.safetensors'), tensors, {'format': 'pt', 'source': 'gen_interop_dtypes.py'})


def as_nnet(t):
    if t.dtype.is_floating_point:
        return t.to(torch.float32)
    return t if t.dtype == torch.bool else t.to(torch.int32)


write_json(os.path.join(TENSOR, 'torch_dtypes.json'),
           {name: {'dtype': st.NAMES[t.dtype], **enc_exact(as_nnet(t))} for name, t in tensors.items()})
st.write(os.path.join(TENSOR, 'torch_i64_overflow.safetensors'),
         {'small': torch.tensor([1, 2], dtype=torch.int64), 'counts': torch.tensor([[3, 2**31]], dtype=torch.int64)}, {})

# ---- F16 / BF16 rounding, the reference for nnet's writer ---------------------------------------
rng = np.random.default_rng(2)
patterns = [
    rng.integers(0, 2**32, 1500, dtype=np.uint64).astype(np.uint32),  # anywhere in float32
    rng.uniform(-70000, 70000, 1000).astype(np.float32).view(np.uint32),  # F16's normal range and overflow
    (rng.uniform(-1, 1, 1000) * 2.0 ** rng.integers(-30, -12, 1000)).astype(np.float32).view(np.uint32),  # F16 subnormals
]
edges = np.array([0.0, -0.0, 65504.0, 65519.996, 65520.0, -65520.0, 2.0**-25, 1.5 * 2.0**-25, 2.0**-24, 2.0**-14,
                  1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.4028235e38, -3.4028235e38,
                  3.3961e38, 1e-45, inf, -inf], dtype=np.float32).view(np.uint32)
bits = np.concatenate(patterns + [edges])
x = bits.view(np.float32)
bits = bits[~np.isnan(x)]  # NaN encodings differ between PyTorch's scalar and vector paths; tested apart
x = torch.from_numpy(bits.view(np.float32).copy())
write_json(os.path.join(TENSOR, 'round_f16_bf16.json'), {
    'f32': bits.tolist(),
    'f16': (x.half().view(torch.int16).to(torch.int32) & 0xFFFF).tolist(),
    'bf16': (x.bfloat16().view(torch.int16).to(torch.int32) & 0xFFFF).tolist(),
})


# ---- BatchNorm state dicts -----------------------------------------------------------------------
def network():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(36, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


class Block(nn.Module):
    """Own parameter and buffer before children: state_dict orders them params, buffers, children."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.scale = nn.Parameter(torch.ones(3))
        self.register_buffer('offset', torch.zeros(3))
        self.norm = nn.BatchNorm1d(3)


# PyTorch strict-loads a BatchNorm dict without num_batches_tracked (older files lack it); nnet does too.
nn.BatchNorm1d(3).load_state_dict({k: v for k, v in nn.BatchNorm1d(3).state_dict().items() if k != 'num_batches_tracked'}, strict=True)

torch.manual_seed(7)
model = network().train()
for _ in range(3):
    model(torch.randn(4, 1, 6, 6))
x = torch.randn(2, 1, 6, 6)
keys = list(model.state_dict().keys())
st.write(os.path.join(INTEROP, 'torch_bn.safetensors'), model.state_dict(), {'format': 'pt', 'source': 'gen_interop_dtypes.py'})
with torch.no_grad():
    eval_out = model.eval()(x)
    train_out = model.train()(x)
buffers = {k: enc_exact(v) for k, v in model.state_dict().items() if k.split('.')[-1] in ('running_mean', 'running_var', 'num_batches_tracked')}
write_json(os.path.join(INTEROP, 'torch_bn.json'), {
    'keys': keys,
    'block_keys': list(Block().state_dict().keys()),
    'input': enc_exact(x),
    'eval_out': enc_exact(eval_out),
    'train_out': enc_exact(train_out),
    'buffers_after_step': buffers,
})


# ---- nnet → PyTorch ---------------------------------------------------------------------------------
def strict_load(path, net):
    tensors, meta, dtypes = st.read(path)
    for k, v in dtypes.items():
        if k.endswith('num_batches_tracked'):
            assert v == 'I64', f'{path}: {k} is {v}, PyTorch keeps it as int64'
    net.load_state_dict(tensors, strict=True)
    return tensors, meta, dtypes


f32_path = os.path.join(INTEROP, 'nnet_bn.safetensors')
if os.path.exists(f32_path):
    f32, _, _ = st.read(f32_path)
    for variant, dtype in (('', None), ('_f16', torch.float16), ('_bf16', torch.bfloat16)):
        path = os.path.join(INTEROP, f'nnet_bn{variant}.safetensors')
        net = network()
        tensors, meta, dtypes = strict_load(path, net)
        assert meta.get('format') == 'pt', meta
        if dtype is not None:
            for k, t in tensors.items():
                if t.is_floating_point():
                    assert t.dtype == dtype, (k, t.dtype)
                    assert torch.equal(t.view(torch.int16), f32[k].to(dtype).view(torch.int16)), f'{k}: not PyTorch rounding'
        with torch.no_grad():
            write_json(os.path.join(INTEROP, f'nnet_bn{variant}.torch_out.json'), enc_exact(net.eval()(x)))
    print('checked nnet_bn*.safetensors')
else:
    print('no nnet_bn.safetensors yet: write it with NNET_WRITE_INTEROP=1 (see above), then rerun')

ckpt_path = os.path.join(TRAIN, 'exported_checkpoint.safetensors')
if os.path.exists(ckpt_path):
    net = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    strict_load(ckpt_path, net)
    with torch.no_grad():
        write_json(os.path.join(TRAIN, 'exported_checkpoint.torch_out.json'), enc_exact(net.eval()(torch.linspace(-1, 1, 12).reshape(4, 3))))
    print('checked exported_checkpoint.safetensors')
print('ok')
