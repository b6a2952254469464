#!/usr/bin/env python3
"""ONNX files exported by PyTorch, with PyTorch's outputs, for @nnet/onnx's importOnnx tests
(packages/onnx/test/fixtures/torch_*).

For each model: torch_NAME.onnx from torch.onnx.export (eval mode, dynamic batch axis), and torch_NAME.json
holding two inputs (the export's example and one with another batch size) and PyTorch's outputs on
them. torch.onnx.export in PyTorch 1.13 needs no `onnx` Python package.

Run: /usr/bin/python3 scripts/gen_onnx_fixtures.py
"""
import os

import torch
from torch import nn

from fixture_io import enc_exact, repo_path, write_json

DIR = repo_path('packages', 'onnx', 'test', 'fixtures')


class LastStep(nn.Module):
    """A recurrent layer followed by a linear head on every step's output."""

    def __init__(self, rnn, hidden, out):
        super().__init__()
        self.rnn = rnn
        self.head = nn.Linear(hidden, out)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


def warm_up(model, x):
    """Two training-mode passes so batch norms hold non-trivial running statistics."""
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(x)
    model.eval()


def save(name, model, inputs, dynamic, opset):
    model.eval()
    path = os.path.join(DIR, f'torch_{name}.onnx')
    torch.onnx.export(
        model,
        (inputs[0],),
        path,
        input_names=['input'],
        output_names=['output'],
        dynamic_axes={'input': dynamic, 'output': dynamic},
        opset_version=opset,
    )
    with torch.no_grad():
        cases = [{'input': enc_exact(x), 'output': enc_exact(model(x))} for x in inputs]
    write_json(os.path.join(DIR, f'torch_{name}.json'),
               {'torch': torch.__version__, 'opset': opset, 'cases': cases}, newline=False)


def main():
    os.makedirs(DIR, exist_ok=True)
    batch = {0: 'batch'}

    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(-1))
    save('mlp', mlp, [torch.randn(4, 6), torch.randn(7, 6)], batch, 14)

    torch.manual_seed(1)
    # The batch norm follows the ReLU so that the exporter cannot fold it into the convolution.
    cnn = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.BatchNorm2d(4),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
        nn.LeakyReLU(0.1),
        nn.AvgPool2d(2, padding=1, count_include_pad=False),
        nn.Flatten(),
        nn.Linear(24, 10),
        nn.Sigmoid(),
        nn.Linear(10, 5),
    )
    x = torch.randn(3, 3, 8, 8)
    warm_up(cnn, x)
    save('cnn', cnn, [x, torch.randn(2, 3, 8, 8)], batch, 14)

    torch.manual_seed(5)
    upsample = nn.Sequential(
        nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 6),
        nn.BatchNorm1d(6),
        nn.GELU(approximate='tanh'),
        nn.Linear(6, 2),
        nn.Softmax(dim=1),
    )
    x = torch.randn(4, 3, 5, 5)
    warm_up(upsample, x)
    save('upsample', upsample, [x, torch.randn(2, 3, 5, 5)], batch, 17)

    torch.manual_seed(2)
    text = nn.Sequential(
        nn.Embedding(20, 8),
        nn.LayerNorm(8),
        nn.Linear(8, 16),
        nn.GELU(),
        nn.Linear(16, 4),
        nn.LogSoftmax(-1),
    )
    tokens = [torch.randint(0, 20, (2, 5)), torch.randint(0, 20, (3, 5))]
    save('text_opset17', text, tokens, batch, 17)
    save('text_opset14', text, tokens, batch, 14)
    save('text_opset11', text, tokens, batch, 11)

    torch.manual_seed(3)
    lstm = LastStep(nn.LSTM(5, 7, num_layers=2), 7, 3)
    lstm_inputs = [torch.randn(4, 2, 5), torch.randn(4, 3, 5)]
    save('lstm', lstm, lstm_inputs, {1: 'batch'}, 14)
    # Opset 11: Squeeze/Unsqueeze take their axes as attributes.
    save('lstm_opset11', lstm, lstm_inputs, {1: 'batch'}, 11)

    torch.manual_seed(4)
    gru = LastStep(nn.GRU(5, 6, batch_first=True), 6, 2)
    save('gru', gru, [torch.randn(2, 4, 5), torch.randn(5, 4, 5)], batch, 14)

    torch.manual_seed(6)
    rnn = LastStep(nn.RNN(4, 5, nonlinearity='relu'), 5, 2)
    save('rnn', rnn, [torch.randn(3, 2, 4), torch.randn(3, 5, 4)], {1: 'batch'}, 14)


if __name__ == '__main__':
    main()
