#!/usr/bin/env python3
"""A safetensors file written from PyTorch tensors, by hand (the format is tiny: u64 header length,
JSON header, raw little-endian data), for @nnet/tensor's reader tests. Debian has no python3-safetensors.

Run: /usr/bin/python3 scripts/gen_safetensors_fixture.py
"""
import json
import os
import struct

import torch

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
header = {'__metadata__': {'format': 'pt', 'source': 'gen_safetensors_fixture.py'}}
blobs = []
offset = 0
for name in sorted(tensors):
    t = tensors[name].contiguous()
    raw = t.numpy().tobytes()
    header[name] = {'dtype': {torch.float32: 'F32', torch.int32: 'I32', torch.bool: 'BOOL'}[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
h = json.dumps(header).encode()
h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
with open(os.path.join(out, 'from_pytorch.safetensors'), 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
with open(os.path.join(out, 'from_pytorch.json'), 'w') as f:
    json.dump({n: {'shape': list(t.shape), 'data': t.reshape(-1).tolist()} for n, t in tensors.items()}, f)
print('ok')
