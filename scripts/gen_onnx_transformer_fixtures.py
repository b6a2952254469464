#!/usr/bin/env python3
"""ONNX files of PyTorch's attention and transformer layers, with PyTorch's outputs, for
@nnet/onnx's importOnnx tests (packages/onnx/test/fixtures/torch_attn_*).

For each model: torch_attn_NAME.onnx from torch.onnx.export (eval mode, dynamic batch and sequence
axes) and torch_attn_NAME.json holding two sets of named inputs (the export's example and one with
other batch and sequence sizes) and PyTorch's named outputs on them. Sizes are tiny (width 8, two
heads) so the files stay a few kB. PyTorch 1.13's torch.onnx.export needs no `onnx` package.

Run: /usr/bin/python3 scripts/gen_onnx_transformer_fixtures.py
"""
import math
import os

import torch
from torch import nn

from fixture_io import enc_exact_typed, repo_path, write_json

DIR = repo_path('packages', 'onnx', 'test', 'fixtures')


class Attention(nn.Module):
    """nn.MultiheadAttention returning (output, head-averaged weights), masks as graph inputs."""

    def __init__(self, mha, with_mask):
        super().__init__()
        self.mha = mha
        self.with_mask = with_mask

    def forward(self, query, key, value, mask=None):
        if self.with_mask == 'key_padding':
            return self.mha(query, key, value, key_padding_mask=mask, need_weights=True)
        return self.mha(query, key, value, attn_mask=mask, need_weights=True)


class Encoder(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, src, src_key_padding_mask):
        return self.enc(src, src_key_padding_mask=src_key_padding_mask)


class Decoder(nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, tgt, memory, tgt_mask):
        return self.dec(tgt, memory, tgt_mask=tgt_mask)


class PositionalEncoding(nn.Module):
    """The PyTorch tutorial's sinusoidal table (nnet's SinusoidalPositionalEncoding), batch first."""

    def __init__(self, d_model, max_len):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class TextEncoder(nn.Module):
    """Token ids → embedding + sinusoidal positions → a pre-norm encoder layer → class logits."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(16, 8)
        self.pos = PositionalEncoding(8, 12)
        self.layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, ids):
        return self.head(self.layer(self.pos(self.embed(ids))))


def perturb(model):
    """Noise on every parameter, so that the deep-copied layers differ and norms are not 1, 0."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))


def save(name, model, input_names, output_names, cases, dynamic, opset=14):
    model.eval()
    path = os.path.join(DIR, f'torch_attn_{name}.onnx')
    # With gradients on, so that PyTorch's fused inference path for batch-first encoder layers
    # (aten::_transformer_encoder_layer_fwd, which has no ONNX export) is not taken.
    torch.onnx.export(
        model,
        tuple(cases[0]),
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic,
        opset_version=opset,
    )
    with torch.no_grad():
        out = []
        for inputs in cases:
            y = model(*inputs)
            ys = y if isinstance(y, tuple) else (y,)
            out.append({
                'inputs': {n: enc_exact_typed(t) for n, t in zip(input_names, inputs)},
                'outputs': {n: enc_exact_typed(t) for n, t in zip(output_names, ys)},
            })
    write_json(os.path.join(DIR, f'torch_attn_{name}.json'),
               {'torch': torch.__version__, 'opset': opset, 'cases': out}, newline=False)


def padding(n, s, lengths):
    """[n, s] bool, True past each row's length (PyTorch: True = ignore that key)."""
    return torch.arange(s).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)


def causal(t):
    """[t, t] bool, True above the diagonal (position i may not see j > i)."""
    return torch.ones(t, t, dtype=torch.bool).triu(1)


def main():
    os.makedirs(DIR, exist_ok=True)

    # Self-attention shaped [L, N, E] with a bool key padding mask; outputs and averaged weights.
    torch.manual_seed(10)
    mha = Attention(nn.MultiheadAttention(8, 2), 'key_padding')
    nn.init.normal_(mha.mha.in_proj_bias, std=0.1)
    cases = []
    for L, N, lengths in [(4, 2, [4, 2]), (6, 3, [6, 1, 3])]:
        x = torch.randn(L, N, 8)
        cases.append([x, x, x, padding(N, L, lengths)])
    save('mha', mha, ['query', 'key', 'value', 'key_padding_mask'], ['output', 'weights'], cases, {
        'query': {0: 'L', 1: 'N'}, 'key': {0: 'S', 1: 'N'}, 'value': {0: 'S', 1: 'N'},
        'key_padding_mask': {0: 'N', 1: 'S'}, 'output': {0: 'L', 1: 'N'}, 'weights': {0: 'N', 1: 'L', 2: 'S'},
    })

    # Cross-attention, batch first, kdim/vdim differing from E, a float attention mask [L, S].
    torch.manual_seed(11)
    cross = Attention(nn.MultiheadAttention(8, 2, kdim=5, vdim=3, batch_first=True), 'attn')
    nn.init.normal_(cross.mha.in_proj_bias, std=0.1)
    cases = []
    for N, L, S in [(2, 3, 4), (3, 2, 5)]:
        cases.append([torch.randn(N, L, 8), torch.randn(N, S, 5), torch.randn(N, S, 3), torch.randn(L, S)])
    save('mha_kdim', cross, ['query', 'key', 'value', 'attn_mask'], ['output', 'weights'], cases, {
        'query': {0: 'N', 1: 'L'}, 'key': {0: 'N', 1: 'S'}, 'value': {0: 'N', 1: 'S'},
        'attn_mask': {0: 'L', 1: 'S'}, 'output': {0: 'N', 1: 'L'}, 'weights': {0: 'N', 1: 'L', 2: 'S'},
    })

    # Two post-norm GELU encoder layers and a final norm, [L, N, E], padding mask; opsets 14 and 17.
    torch.manual_seed(12)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation='gelu')
    encoder = Encoder(nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8)))
    perturb(encoder)
    cases = []
    for L, N, lengths in [(5, 2, [5, 3]), (3, 3, [1, 3, 2])]:
        cases.append([torch.randn(L, N, 8), padding(N, L, lengths)])
    dyn = {'src': {0: 'L', 1: 'N'}, 'src_key_padding_mask': {0: 'N', 1: 'L'}, 'output': {0: 'L', 1: 'N'}}
    save('encoder', encoder, ['src', 'src_key_padding_mask'], ['output'], cases, dyn, 14)
    save('encoder_opset17', encoder, ['src', 'src_key_padding_mask'], ['output'], cases, dyn, 17)

    # Two pre-norm ReLU decoder layers, batch first, a causal bool mask on the target.
    torch.manual_seed(13)
    dlayer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True)
    decoder = Decoder(nn.TransformerDecoder(dlayer, 2))
    perturb(decoder)
    cases = []
    for N, T, S in [(2, 3, 4), (1, 5, 2)]:
        cases.append([torch.randn(N, T, 8), torch.randn(N, S, 8), causal(T)])
    save('decoder', decoder, ['tgt', 'memory', 'tgt_mask'], ['output'], cases, {
        'tgt': {0: 'N', 1: 'T'}, 'memory': {0: 'N', 1: 'S'}, 'tgt_mask': {0: 'T', 1: 'T2'}, 'output': {0: 'N', 1: 'T'},
    })

    # Token ids through embedding, sinusoidal positions and a pre-norm encoder layer.
    torch.manual_seed(14)
    text = TextEncoder()
    perturb(text)
    cases = [[torch.randint(0, 16, (2, 5))], [torch.randint(0, 16, (3, 7))]]
    save('text', text, ['ids'], ['output'], cases, {'ids': {0: 'N', 1: 'L'}, 'output': {0: 'N', 1: 'L'}})


if __name__ == '__main__':
    main()
