#!/usr/bin/env python3
"""The CPU's measured peak for the work training does: float32 matrix products
(2048 x 2048 x 2048) through OpenBLAS, the library LibTorch calls on Debian, and
bf16 products through LibTorch (oneDNN) where the CPU has the instructions.
Each configuration runs in its own process, alternating A B A B for --pairs
rounds; prints the median GFLOP/s with its spread (min-max).

Configurations: OpenBLAS as it detects this CPU (and as the machine's
OPENBLAS_CORETYPE sets it, where one is set), OpenBLAS forced to its
SkylakeX (AVX-512) kernels and to the SSE3 (Prescott) ones it falls back to on
CPUs it does not know, one and all threads; torch.mm float32 and bf16.
docs/performance.md sets the training step's achieved FLOP/s against these.

Usage: /usr/bin/python3 bench/gemm_peak.py [--size 2048] [--pairs 5] [--threads N]"""
import argparse
import json
import os
import statistics
import subprocess
import sys

PYTHON = "/usr/bin/python3"  # Debian's, where python3-numpy and python3-torch live

# One configuration's measurement, run in a fresh process so that the
# environment (OPENBLAS_CORETYPE is read when OpenBLAS loads) takes effect.
PROBE = r"""
import ctypes, json, sys, time
size, repeats, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if kind == "numpy":
    import numpy as np
    a = np.random.default_rng(1).standard_normal((size, size), dtype=np.float32)
    b = np.random.default_rng(2).standard_normal((size, size), dtype=np.float32)
    mm = lambda: a @ b
else:
    import torch
    torch.set_num_threads(int(sys.argv[4]))
    dtype = torch.bfloat16 if kind == "torch-bf16" else torch.float32
    a = torch.randn(size, size).to(dtype)
    b = torch.randn(size, size).to(dtype)
    mm = lambda: torch.mm(a, b)
mm()
best = []
for _ in range(repeats):
    start = time.perf_counter()
    mm()
    best.append(time.perf_counter() - start)
best.sort()
core = ""
try:
    blas = ctypes.CDLL("libopenblas.so.0")
    blas.openblas_get_corename.restype = ctypes.c_char_p
    core = blas.openblas_get_corename().decode()
except OSError:
    pass
print(json.dumps({"seconds": best[len(best) // 2], "core": core}))
"""


def configurations(threads):
    """(label, kind, environment) for each measured configuration."""
    configs = []
    for count in sorted({1, threads}):
        blas = {"OPENBLAS_NUM_THREADS": str(count), "OMP_NUM_THREADS": str(count), "OMP_WAIT_POLICY": "PASSIVE"}
        configs.append(("numpy float32, OpenBLAS as detected, %d thread(s)" % count, "numpy",
                        dict(blas, OPENBLAS_CORETYPE=None)))
        if os.environ.get("OPENBLAS_CORETYPE"):  # some machines set one for all their CPUs
            configs.append(("numpy float32, the environment's OPENBLAS_CORETYPE, %d thread(s)" % count, "numpy",
                            blas))
        configs.append(("numpy float32, OPENBLAS_CORETYPE=SkylakeX, %d thread(s)" % count, "numpy",
                        dict(blas, OPENBLAS_CORETYPE="SkylakeX")))
        # What OpenBLAS 0.3.21 falls back to on CPUs it does not know (seen on some of these VMs)
        configs.append(("numpy float32, OPENBLAS_CORETYPE=Prescott, %d thread(s)" % count, "numpy",
                        dict(blas, OPENBLAS_CORETYPE="Prescott")))
    passive = {"OMP_WAIT_POLICY": "PASSIVE"}
    configs.append(("torch.mm float32, %d threads" % threads, "torch-float32", passive))
    configs.append(("torch.mm bfloat16, %d threads" % threads, "torch-bf16", passive))
    return configs


def measure(kind, env, size, repeats, threads):
    environment = dict(os.environ, **env)
    for name in [name for name, value in env.items() if value is None]:
        del environment[name]  # None: as if the machine had not set it
    out = subprocess.run([PYTHON, "-c", PROBE, str(size), str(repeats), kind, str(threads)], env=environment,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    result = json.loads(out)
    return 2.0 * size ** 3 / result["seconds"] / 1e9, result["core"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--pairs", type=int, default=5, help="rounds; each runs every configuration once, in turn")
    parser.add_argument("--repeats", type=int, default=5, help="products per process (the median is kept)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    configs = configurations(args.threads)
    rates = {label: [] for label, _, _ in configs}
    cores = {}
    for _ in range(args.pairs):
        for label, kind, env in configs:
            try:
                rate, core = measure(kind, env, args.size, args.repeats, args.threads)
            except subprocess.CalledProcessError:
                continue  # e.g. bf16 products this LibTorch cannot make
            rates[label].append(rate)
            cores[label] = core
    load = os.getloadavg()[0]
    print("Matrix products %d x %d x %d, %d rounds alternating, median GFLOP/s (min-max); load average %.2f "
          "before the last round" % (args.size, args.size, args.size, args.pairs, load))
    for label, _, _ in configs:
        values = rates[label]
        if not values:
            print("%-58s %s" % (label, "not available"))
            continue
        print("%-58s %7.1f (%.1f-%.1f)  OpenBLAS core: %s" % (
            label, statistics.median(values), min(values), max(values), cores.get(label) or "-"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
