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
# Stage 2 of shoes: footwear product photos (automatic edges) as 30% of the samples, fine-tuned from stage 1
# with a linear decay from 1e-4. This is what removed the dark smear under doodled soles.
train shoes-ft --data "$DATA/edges2shoes-mini" --format aligned --doodle-strokes 0.5 --init-from runs/shoes \
  --extra-photos "$DATA/footwear-photos/train" --extra-share 0.3 --lr 1e-4 --epochs 0 --epochs-decay 1 --iters 3000 \
  --size 128 --load-size 143 --ngf 24 --ndf 32 --channel-cap 96 --save-every 250 --sample-every 250 --json
train handbags --data "$DATA/edges2handbags-mini" --format aligned --doodle-strokes 0.5 --iters "${HANDBAGS_ITERS:-1800}" "${COMMON[@]}"
# Cats: sparse, doodle-like automatic edges (density 1.2, blur 1.4 px) on the 64 px photos; 85% of the samples
# shrink the face into a whole head (ears, plain backdrop; a quarter with a body), framed as a doodle is framed, and
# 70% get a synthetic face sketch (outline, ears, eyes, nose, whiskers) — the face crops have none of what a cat
# doodle draws around the face.
train cats --data "$DATA/cat-faces-64/train" --format photos --size 64 --load-size 72 --ngf 24 --ndf 32 --channel-cap 96 \
  --edge-density 1.2 --edge-sigma 1.4 --face-sketch 0.7 --face-composite 0.85 \
  --epochs 1 --epochs-decay 1 --save-every 500 --sample-every 1000 --json --iters "${CATS_ITERS:-32000}"
