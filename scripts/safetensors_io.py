"""The safetensors format for the generator scripts, by hand (Debian has no python3-safetensors):
u64 little-endian header length, a JSON header (padded with spaces), raw little-endian data.

read() checks the format's rules independently of nnet's reader (header start, no duplicate keys,
dtype x shape = byte range, ranges contiguous from 0 and covering the data exactly), so a file nnet
writes that passes here and then loads with load_state_dict(strict=True) is one PyTorch accepts.
write() orders tensors as the reference writer does (larger elements first, then by name), or as given.
"""
import json
import struct

import torch

DTYPES = {
    'F64': torch.float64,
    'F32': torch.float32,
    'F16': torch.float16,
    'BF16': torch.bfloat16,
    'I64': torch.int64,
    'I32': torch.int32,
    'I16': torch.int16,
    'I8': torch.int8,
    'U8': torch.uint8,
    'BOOL': torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f'duplicate keys in the header: {keys}'
    return dict(pairs)


def read(path):
    """(tensors by name in header order, metadata, dtype names by tensor name)."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    assert 8 + n <= len(raw), 'header longer than the file'
    text = raw[8:8 + n].decode('utf-8')
    assert text.startswith('{'), 'header does not start with {'
    header = json.loads(text, object_pairs_hook=_no_duplicates)
    data = raw[8 + n:]
    meta = header.pop('__metadata__', {})
    assert all(isinstance(v, str) for v in meta.values()), 'metadata values must be strings'
    spans = sorted((info['data_offsets'][0], info['data_offsets'][1], name) for name, info in header.items())
    at = 0
    for begin, end, name in spans:
        assert begin == at, f'{name}: data_offsets begin at {begin}, expected {at}'
        at = end
    assert at == len(data), f'tensors cover {at} bytes of a {len(data)}-byte data section'
    tensors, dtypes = {}, {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        dtype = DTYPES[info['dtype']]
        count = 1
        for d in info['shape']:
            count *= d
        assert end - begin == count * torch.tensor([], dtype=dtype).element_size(), f'{name}: size mismatch'
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if count else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info['shape']).clone()
        dtypes[name] = info['dtype']
    return tensors, meta, dtypes


def to_bytes(t):
    return t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def write(path, tensors, meta, keep_order=False):
    """Writes `tensors` (name -> tensor) with `meta` (str -> str, left out when empty); keep_order: in the
    dict's order instead of the reference writer's."""
    order = list(tensors) if keep_order else sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header = {'__metadata__': meta} if meta else {}
    blobs, offset = [], 0
    for name in order:
        raw = to_bytes(tensors[name])
        header[name] = {'dtype': NAMES[tensors[name].dtype], 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))

