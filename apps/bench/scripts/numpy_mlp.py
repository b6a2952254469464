#!/usr/bin/python3
"""numpy/OpenBLAS anchor for the MLP 784-128-ReLU-10 training step (apps/bench, issue 19).

The same math as nnet's `mlp-train` workload: Linear(784, 128) -> ReLU -> Linear(128, 10) with
weights stored [out, in] (x @ W.T + b), mean softmax cross-entropy, its backward, plain SGD
(lr 0.01), and the loss read back as a Python float each step (nnet reads it with dataSync).
float32 throughout, as nnet.

Run with Debian's python (`/usr/bin/python3`) and `OPENBLAS_NUM_THREADS=<n>` set before numpy
loads. The script refuses to report a figure unless numpy's BLAS really is OpenBLAS running
exactly the requested threads (threadpoolctl, or ctypes on the loaded library).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 numpy_mlp.py --batch 64 --threads 1

Prints one JSON line: {"samplesPerSec", "medianMs", "cpuSamplesPerSec", "medianCpuMs" (process CPU
time per step: what a step costs when it runs, on a host shared with other busy processes), "reps", "blas", "blasVersion", "blasThreads",
"blasLibrary", "numpy"} or {"error": "..."} (exit code 3).
"""
import argparse
import ctypes
import json
import os
import sys
import time


def fail(msg):
    print(json.dumps({"error": msg}))
    sys.exit(3)


def blas_info(np):
    """(api, version, threads, library path) of the BLAS numpy's linalg actually loaded."""
    np.dot(np.ones((64, 64), np.float32), np.ones((64, 64), np.float32))  # make sure BLAS is loaded
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return (pool.get("internal_api"), pool.get("version"), pool.get("num_threads"),
                        pool.get("filepath"))
    # Fallback: find the library in the process's maps and ask it directly.
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    for path in libs:
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_get_num_threads"):
            lib.openblas_get_config.restype = ctypes.c_char_p
            return ("openblas", lib.openblas_get_config().decode(), lib.openblas_get_num_threads(), path)
    return (None, None, None, ", ".join(libs) or "none found")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--min-time-ms", type=float, default=1500)
    ap.add_argument("--min-reps", type=int, default=5)
    ap.add_argument("--check", action="store_true", help="only print the BLAS in use")
    a = ap.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(a.threads):
        fail(f"set OPENBLAS_NUM_THREADS={a.threads} before starting python (numpy reads it when it loads)")
    try:
        import numpy as np
    except ImportError as e:
        fail(f"numpy is not installed for {sys.executable}: {e} (apt-get install python3-numpy libopenblas0)")
    api, version, threads, path = blas_info(np)
    if api != "openblas":
        fail(f"numpy uses '{api}' ({path}), not OpenBLAS: install libopenblas0 "
             "(update-alternatives --config libblas.so.3-x86_64-linux-gnu)")
    if threads != a.threads:
        fail(f"OpenBLAS runs {threads} threads, not the {a.threads} requested")
    info = {"blas": api, "blasVersion": version, "blasThreads": threads, "blasLibrary": path,
            "numpy": np.__version__, "python": sys.version.split()[0]}
    if a.check:
        print(json.dumps(info))
        return

    rng = np.random.default_rng(0)
    B = a.batch
    f32 = np.float32
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

    for _ in range(a.warmup):
        step()
    samples = []
    cpu = []
    start = time.perf_counter()
    while len(samples) < a.min_reps or (time.perf_counter() - start) * 1000 < a.min_time_ms:
        c0 = time.process_time()
        t0 = time.perf_counter()
        loss = step()
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if len(samples) >= 10000:
            break
    if not (loss == loss):
        fail("the loss became NaN")
    def median(v):
        v = sorted(v)
        n = len(v)
        return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2

    med = median(samples)
    cpu_med = median(cpu)
    print(json.dumps({"samplesPerSec": B / (med / 1000), "medianMs": med,
                      "cpuSamplesPerSec": B / (cpu_med / 1000) if cpu_med > 0 else None,
                      "medianCpuMs": cpu_med, "reps": len(samples), "loss": loss, **info}))


if __name__ == "__main__":
    main()
