#!/usr/bin/env bash
# Reproduces the shipped themes from ../shared/data (see docs/themes.md).
# Each run is resumable: rerun this script after an interruption and it
# continues from each run's last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
COMMON=(--size 128 --load-size 143 --ngf 24 --ndf 32 --channel-cap 96 --epochs 1 --epochs-decay 1 --save-every 100 --sample-every 200 --json)

train() { # name, then train flags
  local name=$1; shift
  if [ -f "runs/$name/checkpoint/state.json" ]; then
    npm run -s train -- --resume "runs/$name" --json "$@" >> "runs/$name.log" 2>&1
  else
    mkdir -p runs
    npm run -s train -- --out "runs/$name" "$@" > "runs/$name.log" 2>&1
  fi
}

train shoes --data "$DATA/edges2shoes-mini" --format aligned --doodle-strokes 0.5 --iters "${SHOES_ITERS:-4600}" "${COMMON[@]}"
train handbags --data "$DATA/edges2handbags-mini" --format aligned --doodle-strokes 0.5 --iters "${HANDBAGS_ITERS:-1800}" "${COMMON[@]}"
train cats --data "$DATA/cat-faces-64/train" --format photos --size 64 --load-size 72 --ngf 24 --ndf 32 --channel-cap 96 \
  --epochs 1 --epochs-decay 1 --save-every 250 --sample-every 250 --json --iters "${CATS_ITERS:-2800}"
