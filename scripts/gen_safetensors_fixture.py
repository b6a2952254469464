#!/usr/bin/env python3
"""A safetensors file written from PyTorch tensors, with scripts/safetensors_io.py, for @nnet/tensor's reader
tests (every other dtype: gen_interop_dtypes.py).

Run: /usr/bin/python3 scripts/gen_safetensors_fixture.py
"""
import os

import torch

from fixture_io import enc_exact, repo_path, write_json
import safetensors_io as st

torch.manual_seed(3)
out = repo_path('packages', 'tensor', 'test', 'fixtures')
tensors = {
    'layer.weight': torch.randn(3, 4),
    'layer.bias': torch.randn(3),
    'steps': torch.tensor([1, -2, 300], dtype=torch.int32),
    'mask': torch.tensor([[True, False], [False, True]]),
    'scalar': torch.tensor(2.5),
}
st.write(os.path.join(out, 'from_pytorch.safetensors'), tensors, {'format': 'pt', 'source': 'gen_safetensors_fixture.py'})
write_json(os.path.join(out, 'from_pytorch.json'), {n: enc_exact(t) for n, t in tensors.items()}, newline=False)
print('ok')
