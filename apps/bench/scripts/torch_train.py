#!/usr/bin/python3
"""PyTorch anchor for nnet's training steps (apps/bench, issue 19): how much a native library gains
from a second thread on this host.

The same workloads as nnet's benches (src/libs.ts), float32:
  mlp: Linear(784, 128) -> ReLU -> Linear(128, 10), mean softmax cross-entropy, SGD lr 0.01;
  cnn: conv 3x3 1->8 (+bias, no padding) -> ReLU -> max-pool 2 -> conv 3x3 8->16 -> ReLU ->
       max-pool 2 -> flatten -> Linear(400, 10) on [batch, 1, 28, 28], the convolutions He-initialised
       (randn * sqrt(2 / fan-in)), the same loss and optimiser;
each step: zero the gradients, forward, loss, backward, SGD step, loss read back as a Python float
(nnet reads it with dataSync); inputs randn, labels uniform in 0..9.

Run with Debian's python (`/usr/bin/python3`, torch 1.13) and OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS set to --threads before torch loads (Debian's torch runs its products on the
system BLAS, its convolutions on oneDNN with OpenMP). The script sets torch.set_num_threads and
refuses to report a figure unless torch, and OpenBLAS when that is its BLAS, run exactly the
requested threads. The bench (src/anchor.ts) also fixes glibc's mmap and trim thresholds
(MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_), without which some processes fault their step's
buffers in afresh every step and run several times slower, and sets OPENBLAS_THREAD_TIMEOUT=4, without
which OpenBLAS's spinning threads and torch's OpenMP threads fight over two cores and 2-thread steps
collapse.

    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 torch_train.py --workload cnn --batch 64 --threads 2

Prints one JSON line: the figures of anchor_common.time_steps plus "torch", "torchThreads", "blas",
"blasVersion", "blasThreads", "blasLibrary", "python"; or {"error": "..."} (exit code 3).
"""
import json
import os
import sys

from anchor_common import blas_info, fail, parse_args, time_steps


def main():
    a = parse_args("PyTorch anchor: nnet's MLP and CNN training steps",
                   lambda ap: ap.add_argument("--workload", choices=["mlp", "cnn"], required=True))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if os.environ.get(var) != str(a.threads):
            fail(f"set {var}={a.threads} before starting python (torch and its BLAS read it when they load)")
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        fail(f"PyTorch is not installed for {sys.executable}: {e} (Debian: apt-get install python3-torch)")
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    if torch.get_num_threads() != a.threads:
        fail(f"torch runs {torch.get_num_threads()} threads, not the {a.threads} requested")
    api, version, threads, path, _core = blas_info(lambda: torch.ones(64, 64) @ torch.ones(64, 64))
    if api == "openblas" and threads != a.threads:
        fail(f"torch's OpenBLAS runs {threads} threads, not the {a.threads} requested")
    info = {"torch": torch.__version__, "torchThreads": torch.get_num_threads(), "blas": api,
            "blasVersion": version, "blasThreads": threads, "blasLibrary": path,
            "python": sys.version.split()[0]}
    if a.check:
        print(json.dumps(info))
        return

    torch.manual_seed(0)
    B = a.batch
    if a.workload == "mlp":
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        params = list(model.parameters())
        forward = model
        x = torch.randn(B, 784)
    else:
        def he(shape, fan_in):
            return (torch.randn(shape) * (2 / fan_in) ** 0.5).requires_grad_()
        w1, b1 = he((8, 1, 3, 3), 9), he((8,), 9)
        w2, b2 = he((16, 8, 3, 3), 72), he((16,), 72)
        dense = torch.nn.Linear(16 * 5 * 5, 10)
        params = [w1, b1, w2, b2, *dense.parameters()]

        def forward(x):
            h1 = F.max_pool2d(F.relu(F.conv2d(x, w1, b1)), 2)
            h2 = F.max_pool2d(F.relu(F.conv2d(h1, w2, b2)), 2)
            return dense(h2.flatten(1))
        x = torch.randn(B, 1, 28, 28)
    y = torch.randint(0, 10, (B,))
    opt = torch.optim.SGD(params, lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    print(json.dumps({**time_steps(step, B, a), **info}))


if __name__ == "__main__":
    main()
