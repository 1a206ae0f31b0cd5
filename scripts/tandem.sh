#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   scripts/tandem.sh gui    install what is missing, build, create the demo project, open the GUI
#   scripts/tandem.sh test   install what is missing, build, run the whole test suite
#   scripts/tandem.sh build  install what is missing and build (used by the benchmarks)
set -euo pipefail

mode=${1:-gui}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${TANDEM_BUILD_DIR:-$root/build}
jobs=$(nproc)

packages=(cmake g++ ninja-build ccache pkg-config qt6-base-dev qt6-svg-dev libqt6sql6-sqlite libqcustomplot-dev
          libtorch-dev libopencv-dev libsqlite3-dev libsimdjson-dev libeigen3-dev libhnswlib-dev libopenblas0-pthread libopenblas0-openmp
          xvfb xauth fonts-dejavu-core qt6-qpa-plugins python3 python3-torch dpkg-dev help2man lintian)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "==> installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

build_all() {
  echo "==> building in $build"
  export CCACHE_BASEDIR="$root" CCACHE_COMPRESS=1
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${TANDEM_CMAKE_ARGS:-} >/dev/null
  cmake --build "$build" -j "$jobs"
}

run_tests() {
  echo "==> testing"
  cd "$build"
  QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs"
}

# Two small models, so that the Models dock, the suggestions, the ask box and
# the attention maps can be tried at once (about a minute on 2 cores); the VQA
# model's answers and image features with a t-SNE layout, so that the
# Embeddings dock and the "Least sure first" sort have something to show.
train_demo_models() {
  local project=$1 models
  models="$(dirname "$project")/models"
  echo "==> training a small captioner and a VQA model on the demo (about a minute)"
  "$build/bin/tandem-cli" train "$project" --task caption --epochs 8 --batch 16 --image-size 64 \
      --checkpoint "$models/captioner.ckpt" --name captioner --quiet
  # The plain encoder: the standard preset's pixel path is for 10,000-image runs
  # and would make this first minute five.
  "$build/bin/tandem-cli" train "$project" --task vqa --fusion cross_attention --epochs 8 --batch 8 \
      --image-size 64 --no-augment --model-option pixel_channels=0 --model-option object_positions=false \
      --model-option coordinate_channels=false \
      --checkpoint "$models/vqa.ckpt" --name "cross-attention VQA" --quiet
  "$build/bin/tandem-cli" models "$project" --use 1 >/dev/null
  "$build/bin/tandem-cli" answer "$project" --model "$models/vqa.ckpt" --split val --save "VQA answers (val)" --quiet >/dev/null
  local run
  run=$("$build/bin/tandem-cli" embed "$project" --model "$models/vqa.ckpt" --split "" --save "VQA image features" \
      --json --quiet | python3 -c 'import json, sys; print(json.load(sys.stdin)["run_id"])')
  "$build/bin/tandem-cli" project "$project" --run "$run" --method tsne --quiet >/dev/null
}

open_gui() {
  local project="$root/demo/demo.tandem"
  if [ ! -f "$project" ]; then
    echo "==> creating the demo project $project"
    "$build/bin/tandem-cli" demo "$project" --images 500
    train_demo_models "$project"
  fi
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$build/bin/tandem" "$project"
  fi
  # No display (a server, a container): show the window on a virtual screen
  # and save a screenshot instead, so the command still proves the GUI runs.
  local shot="$root/demo/screenshot.png"
  echo "==> no display: running the GUI under xvfb-run, screenshot in $shot"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bin/tandem" "$project" --screenshot "$shot"
}

install_missing
build_all
case "$mode" in
  gui) open_gui ;;
  test) run_tests ;;
  build) ;;
  *) echo "usage: $0 gui|test|build" >&2; exit 2 ;;
esac
