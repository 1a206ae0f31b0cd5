#!/usr/bin/env python3
"""Sums a LibTorch profiler trace (Chrome trace JSON, as `tandem-cli train`
writes it with TANDEM_PROFILE_TRACE=FILE) into self time per operator and per
group (convolution, matrix products, the fusion's element-wise work, the
optimizer, ...), per training step.

Self time: an event's duration less that of the events nested in it on the
same thread, so a convolution's time is counted once, not again under its
autograd node.

Usage: python3 bench/profile_summary.py TRACE.json [--steps N] [--top 25]"""
import argparse
import collections
import json

GROUPS = [  # (group, substrings of operator names), first match wins
    ("convolution", ("conv", "mkldnn")),
    ("matrix products", ("addmm", "::mm", "bmm", "matmul", "linear", "gemm")),
    ("GRU", ("gru", "rnn")),
    ("normalisation", ("norm",)),
    ("optimizer", ("adamw", "optimizer", "addcdiv", "lerp", "sqrt", "_foreach", "clip", "mul_", "add_", "div_")),
    ("data movement", ("copy", "cat", "stack", "index", "gather", "scatter", "to", "contiguous", "clone", "empty",
                       "zeros", "fill", "permute", "transpose", "view", "reshape", "expand", "select", "slice")),
    ("element-wise", ("relu", "mul", "add", "sub", "div", "max", "sum", "mean", "exp", "log", "softmax", "threshold",
                      "where", "sigmoid", "tanh")),
]


def group_of(name):
    lower = name.lower()
    for group, keys in GROUPS:
        if any(k in lower for k in keys):
            return group
    return "other"


def self_times(events):
    """{name: self microseconds} over complete ('X') events, nesting per thread."""
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    totals = collections.Counter()
    for items in by_thread.values():
        items.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, child time]
        for e in items:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                done, child = stack.pop()
                totals[done["name"]] += done["dur"] - child
            if stack:
                stack[-1][1] += e["dur"]
            stack.append([e, 0.0])
        while stack:
            done, child = stack.pop()
            totals[done["name"]] += done["dur"] - child
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trace")
    parser.add_argument("--steps", type=int, default=0, help="steps in the trace (default: from the trace's metadata)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with open(args.trace) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    steps = args.steps or sum(1 for e in events if e.get("name") == "tandem::step" and e.get("ph") == "X") or 1
    totals = self_times(e for e in events if e.get("name") != "tandem::step")
    everything = sum(totals.values())
    print("%d steps, %.2f ms of operator time a step" % (steps, everything / steps / 1000))
    groups = collections.Counter()
    for name, us in totals.items():
        groups[group_of(name)] += us
    print("\n%-40s %10s %7s" % ("group", "ms/step", "share"))
    for group, us in groups.most_common():
        print("%-40s %10.3f %6.1f%%" % (group, us / steps / 1000, 100 * us / everything))
    print("\n%-40s %10s %7s" % ("operator (self time)", "ms/step", "share"))
    for name, us in totals.most_common(args.top):
        print("%-40s %10.3f %6.1f%%" % (name[:40], us / steps / 1000, 100 * us / everything))


if __name__ == "__main__":
    main()
