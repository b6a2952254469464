#!/usr/bin/env python3
"""The PyTorch side of the safetensors interop fixtures (packages/layers/test/fixtures/interop).

1. Loads nnet_model.safetensors (written by nnet; see safetensors_interop.test.ts) into the same
   PyTorch network, runs it on input.json and records the outputs (nnet_model.torch_out.json).
2. Writes torch_model.safetensors from a seeded PyTorch network and its outputs on the same input
   (torch_model.torch_out.json).
The safetensors format is read (strictly) and written by scripts/safetensors_io.py; the dtype and
BatchNorm fixtures are gen_interop_dtypes.py's.

Run: /usr/bin/python3 scripts/gen_interop_torch.py
  then pnpm exec biome format --write packages/layers/test/fixtures/interop
"""
import json
import os

import torch
from torch import nn

from fixture_io import enc_exact, repo_path, write_json
import safetensors_io as st

DIR = repo_path('packages', 'layers', 'test', 'fixtures', 'interop')


def network():
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 4))


with open(os.path.join(DIR, 'input.json')) as f:
    spec = json.load(f)
x = torch.tensor(spec['data'], dtype=torch.float32).reshape(spec['shape'])

tensors, meta, _ = st.read(os.path.join(DIR, 'nnet_model.safetensors'))
assert meta.get('source') == 'nnet', meta
model = network().eval()
model.load_state_dict(tensors, strict=True)
with torch.no_grad():
    write_json(os.path.join(DIR, 'nnet_model.torch_out.json'), enc_exact(model(x)))

torch.manual_seed(5)
model = network().eval()
st.write(os.path.join(DIR, 'torch_model.safetensors'), model.state_dict(), {'source': 'gen_interop_torch.py'})
with torch.no_grad():
    write_json(os.path.join(DIR, 'torch_model.torch_out.json'), enc_exact(model(x)))
print('ok')
