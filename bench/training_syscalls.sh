#!/usr/bin/env bash
# System time and system calls of a running training, before and after the
# thread set-up of util/threadsetup.h (docs/performance.md). "before" turns it
# off: no restart, OMP_WAIT_POLICY=PASSIVE, Debian's default (pthreads)
# OpenBLAS, no image cache.
#   bench/training_syscalls.sh [build] [images]
# Prints, alternating 3 pairs: questions/s, user and system seconds
# (/usr/bin/time) of a 2-epoch training; then `strace -c -f` over 6 s of each.
set -euo pipefail
build=${1:-$(dirname "$0")/../build}
images=${2:-1000}
cli=$build/bin/tandem-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" demo "$work/demo.tandem" --images "$images" --size 64 -q > /dev/null
before="TANDEM_PROCESS_PREPARED=1 OMP_WAIT_POLICY=PASSIVE TANDEM_IMAGE_CACHE_MB=0"
settings() { if [ "$1" = before ]; then echo "$before"; else echo "TANDEM_BENCH=after"; fi; }

echo "== 2 epochs of $images images, alternating"
for _ in 1 2 3; do
  for mode in before after; do
    env $(settings $mode) /usr/bin/time -o "$work/time" -f "%e %U %S" "$cli" train "$work/demo.tandem" --fusion film \
        --epochs 2 --batch 8 --no-augment --checkpoint "$work/m.ckpt" --json -q > "$work/out.json"
    python3 - "$mode" "$work/out.json" "$work/time" <<'PY'
import json, sys
mode, out, time = sys.argv[1:]
rate = json.load(open(out))["samples_per_second"]
wall, user, system = map(float, open(time).read().split())
print("%-6s %6.0f questions/s  wall %5.1f s  user %5.1f s  system %4.1f s (%.1f%% of CPU time)"
      % (mode, rate, wall, user, system, 100 * system / (user + system)))
PY
  done
done

echo "== strace -c -f over 6 s of a running training"
for mode in before after; do
  env $(settings $mode) "$cli" train "$work/demo.tandem" --fusion film --epochs 5 --batch 8 --no-augment \
      --checkpoint "$work/s.ckpt" -q > /dev/null 2>&1 &
  pid=$!
  sleep 6
  timeout 6 strace -c -f -p "$pid" -o "$work/strace" > /dev/null 2>&1 || true
  kill "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  echo "-- $mode"
  head -8 "$work/strace"
done
