#!/usr/bin/env python3
"""The plain-PyTorch GPT-2 of scripts/gpt2_torch.py (Hugging Face's layout) exported with
torch.onnx.export, with PyTorch's logits, for @nnet/onnx's importOnnx tests
(packages/onnx/test/fixtures/torch_gpt2.*).

torch_gpt2.onnx: GPT2LMHeadModel (vocab 50, 16 positions, width 16, 2 layers, 4 heads; random
weights scaled like gen_transformer_fixtures.py's so the norms are not 1, 0), eval mode, opset 14,
input `ids` [batch, seq] int64 and output `logits` [batch, seq, vocab], both axes dynamic. The graph
has what torch 1.13 writes for GPT-2: Split of c_attn, Pow/Tanh for the tanh GELU, the causal mask
sliced out of the `bias` buffer (Slice with graph-computed ends) and Where, LayerNorm decomposed
(ReduceMean, Sub, Pow, Sqrt, Div) at opset 14.
torch_gpt2.json: two cases (the export's example and other batch and sequence sizes), each the ids
and PyTorch's logits; and `grad`: random weights W and the gradients of sum(logits * W) on the first
case w.r.t. wte (tied to lm_head) and the first block's c_attn weight.

Run: /usr/bin/python3 scripts/gen_onnx_gpt2_fixtures.py
"""
import os

import torch

from fixture_io import enc_exact_typed, repo_path, write_json
from gpt2_torch import GPT2LMHeadModel, randomize_for_tests_

DIR = repo_path('packages', 'onnx', 'test', 'fixtures')


def main():
    os.makedirs(DIR, exist_ok=True)
    torch.manual_seed(17)
    cfg = {'vocabSize': 50, 'nPositions': 16, 'nEmbd': 16, 'nLayer': 2, 'nHead': 4}
    gpt = randomize_for_tests_(GPT2LMHeadModel(**cfg))
    gpt.eval()
    cases = [torch.randint(0, cfg['vocabSize'], (2, 7)), torch.randint(0, cfg['vocabSize'], (3, 11))]
    path = os.path.join(DIR, 'torch_gpt2.onnx')
    torch.onnx.export(
        gpt,
        (cases[0],),
        path,
        input_names=['ids'],
        output_names=['logits'],
        dynamic_axes={'ids': {0: 'batch', 1: 'seq'}, 'logits': {0: 'batch', 1: 'seq'}},
        opset_version=14,
    )
    with torch.no_grad():
        out = [{'inputs': {'ids': enc_exact_typed(ids)}, 'outputs': {'logits': enc_exact_typed(gpt(ids))}} for ids in cases]
    # Gradients of sum(logits * weights) on the first case: wte's (tied to lm_head, so the sum of the
    # embedding's and the head's parts) and the first block's c_attn weight.
    weights = torch.randn(*out[0]['outputs']['logits']['shape'])
    gpt.zero_grad()
    (gpt(cases[0]) * weights).sum().backward()
    grad = {
        'weights': enc_exact_typed(weights),
        'transformer.wte.weight': enc_exact_typed(gpt.transformer.wte.weight.grad),
        'transformer.h.0.attn.c_attn.weight': enc_exact_typed(gpt.transformer.h[0].attn.c_attn.weight.grad),
    }
    write_json(os.path.join(DIR, 'torch_gpt2.json'),
               {'torch': torch.__version__, 'opset': 14, 'config': cfg, 'cases': out, 'grad': grad}, newline=False)
    print('ok:', path, os.path.getsize(path), 'bytes')


if __name__ == '__main__':
    main()
