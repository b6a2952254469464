#!/usr/bin/python3
"""numpy/OpenBLAS anchors (apps/bench, issue 19): the MLP training step, and a plain matrix product.

`--workload mlp` (the default): the same math as nnet's `mlp-train` workload: Linear(784, 128) ->
ReLU -> Linear(128, 10) with weights stored [out, in] (x @ W.T + b), mean softmax cross-entropy,
its backward, plain SGD (lr 0.01), and the loss read back as a Python float each step (nnet reads
it with dataSync). `--workload matmul`: C = A @ B for square float32 matrices of side `--batch`
(nnet's `matmul` workload), written into a preallocated C; its figure is GFLOP/s. float32
throughout, as nnet.

Run with Debian's python (`/usr/bin/python3`) and `OPENBLAS_NUM_THREADS=<n>` set before numpy
loads. The script refuses to report a figure unless numpy's BLAS really is OpenBLAS running
exactly the requested threads (threadpoolctl, or ctypes on the loaded library).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 numpy_anchor.py --batch 64 --threads 1
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 numpy_anchor.py --workload matmul --batch 512 --threads 1

Prints one JSON line: {"samplesPerSec", "medianMs", "cpuSamplesPerSec", "medianCpuMs" (process CPU
time per step: what a step costs when it runs, on a host shared with other busy processes), "reps",
"loss", "gflops" (matmul only: there a "sample" is one product and "loss" is C[0, 0]), "blas", "blasVersion", "blasCore" (the kernel OpenBLAS chose for this CPU),
"blasThreads", "blasLibrary", "numpy"} or {"error": "..."} (exit code 3).
"""
import json
import os
import sys

from anchor_common import blas_info, fail, parse_args, time_steps


def main():
    a = parse_args(
        "numpy/OpenBLAS anchors: the MLP 784-128-ReLU-10 training step, or a square matrix product",
        lambda ap: ap.add_argument("--workload", choices=["mlp", "matmul"], default="mlp"),
    )
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(a.threads):
        fail(f"set OPENBLAS_NUM_THREADS={a.threads} before starting python (numpy reads it when it loads)")
    try:
        import numpy as np
    except ImportError as e:
        fail(f"numpy is not installed for {sys.executable}: {e} (apt-get install python3-numpy libopenblas0)")
    api, version, threads, path, core = blas_info(lambda: np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32))
    if api != "openblas":
        fail(f"numpy uses '{api}' ({path}), not OpenBLAS: install libopenblas0 "
             "(update-alternatives --config libblas.so.3-x86_64-linux-gnu)")
    if threads != a.threads:
        fail(f"OpenBLAS runs {threads} threads, not the {a.threads} requested")
    info = {"blas": api, "blasVersion": version, "blasCore": core, "blasThreads": threads, "blasLibrary": path,
            "numpy": np.__version__, "python": sys.version.split()[0]}
    if a.check:
        print(json.dumps(info))
        return

    rng = np.random.default_rng(0)
    B = a.batch
    f32 = np.float32
    if a.workload == "matmul":
        n = B
        lhs = rng.standard_normal((n, n)).astype(f32)
        rhs = rng.standard_normal((n, n)).astype(f32)
        out = np.empty((n, n), f32)

        def product():
            np.matmul(lhs, rhs, out=out)
            return float(out[0, 0])  # read back, and checked finite as a step's loss is

        # One "sample" per product: samplesPerSec is products per second.
        figures = time_steps(product, 1, a)
        figures["gflops"] = 2 * n ** 3 / (figures["medianMs"] / 1000) / 1e9
        print(json.dumps({**figures, **info}))
        return

    # PyTorch's (and nnet's) Linear initialisation: U(-1/sqrt(in), 1/sqrt(in)).
    w1 = rng.uniform(-1 / 28, 1 / 28, (128, 784)).astype(f32)
    b1 = rng.uniform(-1 / 28, 1 / 28, 128).astype(f32)
    w2 = rng.uniform(-128 ** -0.5, 128 ** -0.5, (10, 128)).astype(f32)
    b2 = rng.uniform(-128 ** -0.5, 128 ** -0.5, 10).astype(f32)
    x = rng.standard_normal((B, 784)).astype(f32)
    y = rng.integers(0, 10, B)
    rows = np.arange(B)
    lr = f32(0.01)

    def step():
        h = x @ w1.T + b1                      # [B, 128]
        r = np.maximum(h, 0)
        z = r @ w2.T + b2                      # [B, 10]
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) + m[:, 0] - z[rows, y]))
        dz = e / s                             # softmax
        dz[rows, y] -= 1
        dz /= B                                # d mean-CE / dz
        dw2 = dz.T @ r                         # [10, 128]
        db2 = dz.sum(axis=0)
        dr = dz @ w2                           # [B, 128]
        dr *= h > 0                            # ReLU's gradient
        dw1 = dr.T @ x                         # [128, 784]
        db1 = dr.sum(axis=0)
        w1[...] -= lr * dw1
        b1[...] -= lr * db1
        w2[...] -= lr * dw2
        b2[...] -= lr * db2
        return loss

    print(json.dumps({**time_steps(step, B, a), **info}))


if __name__ == "__main__":
    main()
