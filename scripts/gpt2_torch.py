"""GPT-2 in plain PyTorch with Hugging Face GPT2LMHeadModel's module names and layouts.

Shared by gen_transformer_fixtures.py (the GPT-2 fixtures of @nnet/layers) and train_charlm_torch.py
(the PyTorch reference of `pnpm example charlm`). The same architecture as nnet's GPT2LMHeadModel:
pre-norm blocks, HF "Conv1D" projections (weight [in, out]), causal attention, GELU's tanh
approximation, lm_head tied to wte, and HF's initialisation (N(0, 0.02), residual projections
N(0, 0.02/sqrt(2 * n_layer)), zero biases, LayerNorm ones/zeros).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class Conv1D(nn.Module):
    """y = x·W + b with W stored [nx, nf] (in, out)."""

    def __init__(self, nf, nx, std=0.02):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * std)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return x @ self.weight + self.bias


class Attention(nn.Module):
    def __init__(self, c, heads, positions, attn_pdrop, resid_pdrop, proj_std):
        super().__init__()
        self.heads = heads
        self.c_attn = Conv1D(3 * c, c)
        self.c_proj = Conv1D(c, c, proj_std)
        self.attn_dropout = nn.Dropout(attn_pdrop)
        self.resid_dropout = nn.Dropout(resid_pdrop)
        self.register_buffer('bias', torch.tril(torch.ones(positions, positions, dtype=torch.bool)).view(1, 1, positions, positions))
        self.register_buffer('masked_bias', torch.tensor(-1e4))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        split = lambda t: t.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        w = q @ k.transpose(-1, -2) / math.sqrt(C // self.heads)
        w = torch.where(self.bias[:, :, :T, :T], w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        y = self.attn_dropout(torch.softmax(w, dim=-1)) @ v
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))


class MLP(nn.Module):
    def __init__(self, c, resid_pdrop, proj_std):
        super().__init__()
        self.c_fc = Conv1D(4 * c, c)
        self.c_proj = Conv1D(c, 4 * c, proj_std)
        self.dropout = nn.Dropout(resid_pdrop)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x), approximate='tanh')))


class Block(nn.Module):
    def __init__(self, c, heads, positions, pdrop, proj_std):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c)
        self.attn = Attention(c, heads, positions, pdrop, pdrop, proj_std)
        self.ln_2 = nn.LayerNorm(c)
        self.mlp = MLP(c, pdrop, proj_std)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2Model(nn.Module):
    def __init__(self, vocab, positions, c, layers, heads, pdrop):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(positions, c)
        nn.init.normal_(self.wte.weight, 0, 0.02)
        nn.init.normal_(self.wpe.weight, 0, 0.02)
        self.drop = nn.Dropout(pdrop)
        proj_std = 0.02 / math.sqrt(2 * layers)
        self.h = nn.ModuleList([Block(c, heads, positions, pdrop, proj_std) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)

    def forward(self, ids):
        x = self.drop(self.wte(ids) + self.wpe(torch.arange(ids.shape[1])))
        for b in self.h:
            x = b(x)
        return self.ln_f(x)


class GPT2LMHeadModel(nn.Module):
    """cfg: vocabSize, nPositions, nEmbd, nLayer, nHead (nnet's GPT2Config names); pdrop for every dropout."""

    def __init__(self, pdrop=0.0, **cfg):
        super().__init__()
        self.transformer = GPT2Model(cfg['vocabSize'], cfg['nPositions'], cfg['nEmbd'], cfg['nLayer'], cfg['nHead'], pdrop)
        self.lm_head = nn.Linear(cfg['nEmbd'], cfg['vocabSize'], bias=False)
        self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))


def randomize_for_tests_(gpt):
    """Overwrites every parameter of `gpt` (in place, from torch's current seed) with values that make
    a fixture sensitive to each of them: the LayerNorm gains 1 + N(0, 0.1²), the other LayerNorm
    parameters N(0, 0.1²), the embeddings N(0, 0.3²), the rest N(0, 0.2²). Returns `gpt`."""
    with torch.no_grad():
        for n, p in gpt.named_parameters():
            if n.endswith('ln_1.weight') or n.endswith('ln_2.weight') or n.endswith('ln_f.weight'):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif 'ln_' in n:
                p.copy_(0.1 * torch.randn_like(p))
            elif 'wte' in n or 'wpe' in n:
                p.copy_(0.3 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))
    return gpt
