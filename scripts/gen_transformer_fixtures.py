#!/usr/bin/env python3
"""PyTorch 1.13 reference values for nnet's attention and transformer layers.

Run from the repository root:  /usr/bin/python3 scripts/gen_transformer_fixtures.py
Writes, under packages/layers/test/fixtures/:
  sdpa.json             scaled dot-product attention cases (PyTorch 2's F.scaled_dot_product_attention
                        semantics, written out as explicit math since 1.13 lacks the function, in float64)
  transformer_modules.json          MultiheadAttention / TransformerEncoder(Layer) / TransformerDecoder(Layer) cases:
                        inputs, outputs and the gradients of sum(out * W) w.r.t. inputs and parameters
  transformer_modules.safetensors   the state dict of every module case, keys prefixed '<case>/'
  gpt2.safetensors      a small random-weight GPT-2 under Hugging Face GPT2LMHeadModel's key names
                        (with the attn.bias / attn.masked_bias buffers, without the tied lm_head.weight,
                        as save_pretrained writes it)
  gpt2.json             its config, input ids, logits, the gradient of a loss w.r.t. wte, and greedy tokens
The safetensors files are written by scripts/safetensors_io.py (Debian has no python3-safetensors).
CI never runs this; the outputs are committed.
"""
import math
import os

import torch
from torch import nn
import torch.nn.functional as F

from fixture_io import D, enc, fnum, repo_path, write_json
from gpt2_torch import GPT2LMHeadModel, randomize_for_tests_
import safetensors_io

OUT = repo_path('packages', 'layers', 'test', 'fixtures')


def randn32(*shape, dtype=D):
    """N(0, 1) drawn in float32 (not fixture_io.rnd's float64 draws: the committed values are this stream's)."""
    return torch.randn(shape, dtype=torch.float32).to(dtype)


def write_safetensors(name, tensors, meta):
    """The tensors in the order given (not the reference writer's), as the committed files have them."""
    safetensors_io.write(os.path.join(OUT, name), tensors, meta, keep_order=True)


# ---- scaled dot-product attention ---------------------------------------------------------------

def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """PyTorch 2's documented math for F.scaled_dot_product_attention (no dropout)."""
    L, S = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        bias = bias.masked_fill(torch.ones(L, S, dtype=torch.bool).tril().logical_not(), float('-inf'))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias.masked_fill(attn_mask.logical_not(), float('-inf'))
        else:
            bias = bias + attn_mask
    w = torch.softmax(q @ k.transpose(-2, -1) * scale + bias, dim=-1)
    return w @ v


torch.manual_seed(14)
sdpa_cases = []


def sdpa_case(name, qs, ks, vs, mask=None, is_causal=False, scale=None, mask_grad=False):
    q, k, v = randn32(*qs), randn32(*ks), randn32(*vs)
    inputs = [q, k, v]
    for t in inputs:
        t.requires_grad_(True)
    if mask is not None and mask.dtype != torch.bool and mask_grad:
        mask.requires_grad_(True)
    out = sdpa(q, k, v, mask, is_causal, scale)
    W = randn32(*out.shape)
    (out * W).sum().backward()
    case = {'name': name, 'q': enc(q), 'k': enc(k), 'v': enc(v), 'isCausal': is_causal, 'scale': scale,
            'out': enc(out), 'weight': enc(W), 'grads': [enc(q.grad), enc(k.grad), enc(v.grad)]}
    if mask is not None:
        case['mask'] = enc(mask)
        if mask.requires_grad:
            case['maskGrad'] = enc(mask.grad)
    sdpa_cases.append(case)


sdpa_case('plain 4-D', (2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 3))
sdpa_case('2-D', (5, 4), (6, 4), (6, 4))
sdpa_case('broadcast batch dims', (2, 1, 5, 4), (1, 3, 6, 4), (3, 6, 2))
bm = torch.rand(5, 6) > 0.4
bm[:, 0] = True
sdpa_case('bool mask', (2, 5, 4), (2, 6, 4), (2, 6, 4), mask=bm)
sdpa_case('float mask with grad', (2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4), mask=randn32(2, 1, 5, 6), mask_grad=True)
sdpa_case('causal square', (2, 2, 5, 4), (2, 2, 5, 4), (2, 2, 5, 4), is_causal=True)
sdpa_case('causal L < S', (1, 4, 8), (1, 6, 8), (1, 6, 8), is_causal=True)
sdpa_case('scale', (3, 5, 4), (3, 5, 4), (3, 5, 4), scale=0.3)
sdpa_case('bool mask per batch', (2, 2, 4, 4), (2, 2, 5, 4), (2, 2, 5, 4), mask=(torch.rand(2, 1, 4, 5) > 0.3) | (torch.arange(5) == 1))

write_json(os.path.join(OUT, 'sdpa.json'), {'cases': sdpa_cases}, newline=False)

# ---- modules ------------------------------------------------------------------------------------

module_cases = []
states = {}


def module_case(name, kind, config, module, inputs, call, mask_inputs=None, outputs=1):
    """Runs `call(module, *inputs)` in eval mode and records outputs and gradients."""
    module.eval()
    for p in module.parameters():
        p.data = p.data.to(torch.float32).to(torch.float32)
    for t in inputs:
        t.requires_grad_(True)
    res = call(module, *inputs)
    outs = list(res) if isinstance(res, tuple) else [res]
    outs = outs[:outputs]
    Ws = [randn32(*o.shape, dtype=torch.float32) for o in outs]
    sum((o * w).sum() for o, w in zip(outs, Ws)).backward()
    for k, t in module.state_dict().items():
        states[f'{name}/{k}'] = t
    module_cases.append({
        'name': name, 'kind': kind, 'config': config,
        'inputs': [enc(t) for t in inputs],
        'masks': {k: enc(v) for k, v in (mask_inputs or {}).items()},
        'outputs': [enc(o) for o in outs],
        'weights': [enc(w) for w in Ws],
        'inputGrads': [enc(t.grad) for t in inputs],
        'paramGrads': {n: enc(p.grad) for n, p in module.named_parameters()},
    })


torch.manual_seed(15)
# MultiheadAttention, sequence-first, self-attention, averaged weights.
m = nn.MultiheadAttention(8, 2)
x = torch.randn(5, 2, 8)
module_case('mha_self', 'mha', {'embedDim': 8, 'numHeads': 2, 'needWeights': True}, m, [x],
            lambda mod, a: mod(a, a, a, need_weights=True), outputs=2)

# batch-first cross attention with kdim/vdim, key padding mask (bool, True = ignore) and a float mask.
m = nn.MultiheadAttention(8, 4, kdim=6, vdim=5, batch_first=True)
q, kk, vv = torch.randn(2, 4, 8), torch.randn(2, 7, 6), torch.randn(2, 7, 5)
kpm = torch.tensor([[False] * 7, [False] * 5 + [True] * 2])
am = torch.randn(4, 7)
module_case('mha_kvdim', 'mha', {'embedDim': 8, 'numHeads': 4, 'kdim': 6, 'vdim': 5, 'batchFirst': True, 'needWeights': False},
            m, [q, kk, vv], lambda mod, a, b, c: mod(a, b, c, key_padding_mask=kpm, attn_mask=am, need_weights=False)[0],
            mask_inputs={'keyPaddingMask': kpm, 'attnMask': am})

# bool 3-D attention mask per (batch, head), no bias, per-head weights.
m = nn.MultiheadAttention(6, 3, bias=False)
x = torch.randn(4, 2, 6)
bm = torch.rand(6, 4, 4) > 0.5
bm[..., 0] = False
module_case('mha_boolmask', 'mha', {'embedDim': 6, 'numHeads': 3, 'bias': False, 'needWeights': True, 'averageAttnWeights': False},
            m, [x], lambda mod, a: mod(a, a, a, attn_mask=bm, need_weights=True, average_attn_weights=False), outputs=2,
            mask_inputs={'attnMask': bm})

# Unbatched input.
m = nn.MultiheadAttention(4, 2)
x = torch.randn(3, 4)
module_case('mha_unbatched', 'mha', {'embedDim': 4, 'numHeads': 2, 'needWeights': True}, m, [x],
            lambda mod, a: mod(a, a, a), outputs=2)

# Encoder layers.
m = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1)
x = torch.randn(5, 2, 8)
causal = torch.triu(torch.full((5, 5), float('-inf')), diagonal=1)
module_case('enc_layer_post', 'encoderLayer', {'dModel': 8, 'nhead': 2, 'dimFeedforward': 16, 'activation': 'relu'},
            m, [x], lambda mod, a: mod(a, src_mask=causal), mask_inputs={'srcMask': causal})

m = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.1, activation='gelu', batch_first=True, norm_first=True)
x = torch.randn(2, 5, 8)
kpm = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
module_case('enc_layer_pre_gelu', 'encoderLayer',
            {'dModel': 8, 'nhead': 2, 'dimFeedforward': 12, 'activation': 'gelu', 'batchFirst': True, 'normFirst': True},
            m, [x], lambda mod, a: mod(a, src_key_padding_mask=kpm), mask_inputs={'srcKeyPaddingMask': kpm})

layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1, batch_first=True)
m = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
x = torch.randn(2, 6, 8)
module_case('encoder', 'encoder', {'dModel': 8, 'nhead': 2, 'dimFeedforward': 16, 'batchFirst': True, 'numLayers': 2, 'norm': True},
            m, [x], lambda mod, a: mod(a))

# Decoder layers.
m = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.1)
tgt, mem = torch.randn(4, 2, 8), torch.randn(6, 2, 8)
tmask = torch.triu(torch.full((4, 4), float('-inf')), diagonal=1)
mkpm = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
module_case('dec_layer_post', 'decoderLayer', {'dModel': 8, 'nhead': 2, 'dimFeedforward': 16, 'activation': 'relu'},
            m, [tgt, mem], lambda mod, a, b: mod(a, b, tgt_mask=tmask, memory_key_padding_mask=mkpm),
            mask_inputs={'tgtMask': tmask, 'memoryKeyPaddingMask': mkpm})

layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.1, activation='gelu', batch_first=True, norm_first=True)
m = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(8))
tgt, mem = torch.randn(2, 4, 8), torch.randn(2, 5, 8)
tmask = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
module_case('decoder', 'decoder',
            {'dModel': 8, 'nhead': 2, 'dimFeedforward': 12, 'activation': 'gelu', 'batchFirst': True, 'normFirst': True, 'numLayers': 2, 'norm': True},
            m, [tgt, mem], lambda mod, a, b: mod(a, b, tgt_mask=tmask), mask_inputs={'tgtMask': tmask})

# The PyTorch tutorial's sinusoidal PositionalEncoding table (max_len 12, d_model 8).
position = torch.arange(12, dtype=D).unsqueeze(1)
div_term = torch.exp(torch.arange(0, 8, 2, dtype=D) * (-math.log(10000.0) / 8))
pe = torch.zeros(12, 8, dtype=D)
pe[:, 0::2] = torch.sin(position * div_term)
pe[:, 1::2] = torch.cos(position * div_term)

write_json(os.path.join(OUT, 'transformer_modules.json'), {'cases': module_cases, 'sinusoidal': enc(pe)}, newline=False)
write_safetensors('transformer_modules.safetensors', states, {'source': 'gen_transformer_fixtures.py'})

# ---- GPT-2 with Hugging Face's layout -----------------------------------------------------------


torch.manual_seed(16)
cfg = {'vocabSize': 50, 'nPositions': 32, 'nEmbd': 16, 'nLayer': 2, 'nHead': 4}
gpt = randomize_for_tests_(GPT2LMHeadModel(**cfg))
sd = {k: v for k, v in gpt.state_dict().items() if k != 'lm_head.weight'}
write_safetensors('gpt2.safetensors', sd, {'format': 'pt', 'source': 'gen_transformer_fixtures.py'})
ids = torch.randint(0, cfg['vocabSize'], (2, 7))
logits = gpt(ids)
targets = torch.randint(0, cfg['vocabSize'], (2, 7))
loss = F.cross_entropy(logits.reshape(-1, cfg['vocabSize']), targets.reshape(-1))
loss.backward()
# Greedy continuation without a cache: 10 new tokens after the first prompt.
tokens = ids[:1].clone()
with torch.no_grad():
    for _ in range(10):
        nxt = gpt(tokens)[:, -1].argmax(-1, keepdim=True)
        tokens = torch.cat([tokens, nxt], dim=1)
write_json(os.path.join(OUT, 'gpt2.json'),
           {'config': cfg, 'ids': enc(ids), 'logits': enc(logits), 'targets': enc(targets), 'loss': fnum(loss.item()),
            'wteGrad': enc(gpt.transformer.wte.weight.grad),
            'cAttnGrad': enc(gpt.transformer.h[0].attn.c_attn.weight.grad),
            'greedy': tokens[0].tolist()}, newline=False)
print('ok:', len(sdpa_cases), 'sdpa cases,', len(module_cases), 'module cases, gpt2')
