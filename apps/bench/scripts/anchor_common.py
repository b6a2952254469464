"""What the Python anchors of apps/bench share (numpy_anchor.py, torch_train.py): the command line, the
check of the BLAS a process loaded, and the timing protocol (the same as nnet's child, run-one.ts:
warm-up steps, then steps until both a minimum time and a minimum count have passed; the figure is
the median step). Each anchor prints one JSON line; a failure prints {"error": "..."} (exit code 3)
so the bench records the reason instead of a figure.
"""
import argparse
import ctypes
import json
import sys
import time


def fail(msg):
    """Prints {"error": msg} as the script's JSON line and exits 3."""
    print(json.dumps({"error": msg}))
    sys.exit(3)


def parse_args(description, extra=None):
    """The anchors' flags: --batch, --threads, the timing (--warmup, --min-time-ms, --min-reps) and
    --check (only print what would run); `extra(parser)` adds a script's own."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--min-time-ms", type=float, default=1500)
    ap.add_argument("--min-reps", type=int, default=5)
    ap.add_argument("--check", action="store_true", help="only print the libraries and threads in use")
    if extra is not None:
        extra(ap)
    return ap.parse_args()


def blas_info(load):
    """(api, version, threads, library path, core: the kernel set it chose for this CPU, or None) of
    the BLAS this process loaded; `load()` runs a small product first so the library is loaded."""
    load()
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return (pool.get("internal_api"), pool.get("version"), pool.get("num_threads"),
                        pool.get("filepath"), pool.get("architecture"))
    # Fallback: find the library in the process's maps and ask it directly.
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    for path in libs:
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_get_num_threads"):
            lib.openblas_get_config.restype = ctypes.c_char_p
            core = None
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                core = lib.openblas_get_corename().decode()
            return ("openblas", lib.openblas_get_config().decode(), lib.openblas_get_num_threads(), path, core)
    return (None, None, None, ", ".join(libs) or "none found", None)


def median(values):
    """The median of a non-empty list (mean of the two middle values for an even count)."""
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def time_steps(step, batch, args):
    """Times `step()` (one training step returning its loss as a float, or a product returning an
    element of its result) with the protocol above and returns the figures: samplesPerSec and
    medianMs (wall time), cpuSamplesPerSec and medianCpuMs (the process's CPU time per step: what a
    step costs when it runs, on a host shared with other busy processes; with several threads it
    counts all of them), reps and the last loss. Fails when the loss is not finite."""
    for _ in range(args.warmup):
        step()
    samples = []
    cpu = []
    loss = float("nan")
    start = time.perf_counter()
    while len(samples) < args.min_reps or (time.perf_counter() - start) * 1000 < args.min_time_ms:
        c0 = time.process_time()
        t0 = time.perf_counter()
        loss = step()
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if len(samples) >= 10000:
            break
    if not (loss == loss) or loss in (float("inf"), float("-inf")):
        fail(f"the loss became {loss}")
    med = median(samples)
    cpu_med = median(cpu)
    return {"samplesPerSec": batch / (med / 1000), "medianMs": med,
            "cpuSamplesPerSec": batch / (cpu_med / 1000) if cpu_med > 0 else None,
            "medianCpuMs": cpu_med, "reps": len(samples), "loss": loss}
