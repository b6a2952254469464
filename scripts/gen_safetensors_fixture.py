#!/usr/bin/env python3
"""A safetensors file written from PyTorch tensors, with scripts/safetensors_io.py, for @nnet/tensor's reader
tests (every other dtype: gen_interop_dtypes.py).

Run: /usr/bin/python3 scripts/gen_safetensors_fixture.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io as st  # noqa: E402

torch.manual_seed(3)
out = os.path.join(os.path.dirname(__file__), '..', 'packages', 'tensor', 'test', 'fixtures')
os.makedirs(out, exist_ok=True)
tensors = {
    'layer.weight': torch.randn(3, 4),
    'layer.bias': torch.randn(3),
    'steps': torch.tensor([1, -2, 300], dtype=torch.int32),
    'mask': torch.tensor([[True, False], [False, True]]),
    'scalar': torch.tensor(2.5),
}
st.write(os.path.join(out, 'from_pytorch.safetensors'), tensors, {'format': 'pt', 'source': 'gen_safetensors_fixture.py'})
with open(os.path.join(out, 'from_pytorch.json'), 'w') as f:
    json.dump({n: {'shape': list(t.shape), 'data': t.reshape(-1).tolist()} for n, t in tensors.items()}, f)
print('ok')
