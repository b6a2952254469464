#!/usr/bin/env python3
"""ONNX files of PyTorch's newer activations, 1-D/3-D convolutions and group/instance norms, with
PyTorch's outputs, for @nnet/onnx's importOnnx tests (packages/onnx/test/fixtures/torch_extra_*).

Same format as scripts/gen_onnx_transformer_fixtures.py: torch_extra_NAME.onnx from
torch.onnx.export (eval mode, dynamic axes) and torch_extra_NAME.json with two sets of named inputs
and PyTorch's named outputs on them.

Run: /usr/bin/python3 scripts/gen_onnx_extra_fixtures.py
"""
import os

import torch
from torch import nn

from fixture_io import enc_exact_typed, repo_path, write_json

DIR = repo_path('packages', 'onnx', 'test', 'fixtures')


def save(name, model, cases, dynamic, opset=14):
    model.eval()
    path = os.path.join(DIR, f'torch_extra_{name}.onnx')
    torch.onnx.export(model, (cases[0],), path, input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': dynamic, 'output': dynamic}, opset_version=opset)
    with torch.no_grad():
        out = [{'inputs': {'input': enc_exact_typed(x)}, 'outputs': {'output': enc_exact_typed(model(x))}} for x in cases]
    write_json(os.path.join(DIR, f'torch_extra_{name}.json'),
               {'torch': torch.__version__, 'opset': opset, 'cases': out}, newline=False)


def main():
    os.makedirs(DIR, exist_ok=True)

    # Every newer activation between linear layers (wide inputs reach every piece of the piecewise ones).
    torch.manual_seed(20)
    acts = [nn.SiLU(), nn.ELU(0.7), nn.SELU(), nn.Mish(), nn.Hardtanh(-0.5, 1.5), nn.ReLU6(),
            nn.Hardswish(), nn.Hardsigmoid(), nn.Softsign(), nn.LogSigmoid()]
    layers = []
    for a in acts:
        layers += [nn.Linear(6, 6), a]
    act = nn.Sequential(*layers, nn.Linear(6, 8), nn.GLU(), nn.PReLU())
    with torch.no_grad():
        for m in act:
            if isinstance(m, nn.Linear):
                m.weight.mul_(3)
    save('activations', act, [4 * torch.randn(3, 6), 4 * torch.randn(5, 6)], {0: 'N'}, 14)

    # Conv1d → GroupNorm → per-channel PReLU → InstanceNorm1d (affine), batch and length dynamic.
    torch.manual_seed(21)
    conv1d = nn.Sequential(
        nn.Conv1d(4, 6, 3, padding=2, dilation=2, groups=2),
        nn.GroupNorm(3, 6),
        nn.PReLU(6),
        nn.Conv1d(6, 6, 2, stride=2, padding=1, bias=False),
        nn.InstanceNorm1d(6, affine=True),
    )
    with torch.no_grad():
        for p in conv1d.parameters():
            p.add_(0.1 * torch.randn_like(p))
    save('conv1d', conv1d, [torch.randn(2, 4, 9), torch.randn(3, 4, 6)], {0: 'N', 2: 'L'}, 14)

    # Conv3d with anisotropic kernel, stride and padding.
    torch.manual_seed(22)
    conv3d = nn.Sequential(nn.Conv3d(2, 3, (3, 1, 2), stride=(1, 2, 1), padding=(1, 0, 1)), nn.ReLU())
    save('conv3d', conv3d, [torch.randn(2, 2, 4, 5, 3), torch.randn(1, 2, 4, 5, 3)], {0: 'N'}, 14)


if __name__ == '__main__':
    main()
