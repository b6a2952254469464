#!/usr/bin/env python3
"""The PyTorch side of the safetensors interop fixtures (packages/layers/test/fixtures/interop).

1. Loads nnet_model.safetensors (written by nnet; see safetensors_interop.test.ts) into the same
   PyTorch network, runs it on input.json and records the outputs (nnet_model.torch_out.json).
2. Writes torch_model.safetensors from a seeded PyTorch network and its outputs on the same input
   (torch_model.torch_out.json).
The safetensors format is read and written by hand (u64 little-endian header length, JSON header,
raw little-endian data): Debian has no python3-safetensors.

Run: /usr/bin/python3 scripts/gen_interop_torch.py
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn

DIR = os.path.join(os.path.dirname(__file__), '..', 'packages', 'layers', 'test', 'fixtures', 'interop')
DTYPES = {'F32': np.float32, 'I32': np.int32}


def network():
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 4))


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        start, end = info['data_offsets']
        arr = np.frombuffer(data[start:end], dtype=DTYPES[info['dtype']]).reshape(info['shape'])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header = {'__metadata__': meta}
    blobs, offset = [], 0
    for name in sorted(tensors):
        raw = tensors[name].detach().contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def dump(path, t):
    with open(path, 'w') as f:
        json.dump({'shape': list(t.shape), 'data': t.reshape(-1).tolist()}, f)


with open(os.path.join(DIR, 'input.json')) as f:
    spec = json.load(f)
x = torch.tensor(spec['data'], dtype=torch.float32).reshape(spec['shape'])

tensors, meta = read_safetensors(os.path.join(DIR, 'nnet_model.safetensors'))
assert meta.get('source') == 'nnet', meta
model = network().eval()
model.load_state_dict(tensors, strict=True)
with torch.no_grad():
    dump(os.path.join(DIR, 'nnet_model.torch_out.json'), model(x))

torch.manual_seed(5)
model = network().eval()
write_safetensors(os.path.join(DIR, 'torch_model.safetensors'), model.state_dict(), {'source': 'gen_interop_torch.py'})
with torch.no_grad():
    dump(os.path.join(DIR, 'torch_model.torch_out.json'), model(x))
print('ok')
