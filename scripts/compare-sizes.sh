#!/usr/bin/env bash
# The model-size comparison in docs/themes.md: the same short shoes training
# (edges2shoes-mini, same data, seed and schedule) for each candidate generator,
# then val metrics, size and speed from the exported uint8 theme. Resumable.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
ITERS=${ITERS:-800}
for cand in "32 128" "24 96" "16 128"; do
  set -- $cand; ngf=$1; cap=$2; name="size-ngf$ngf-cap$cap"
  if [ -f "runs/$name/checkpoint/state.json" ]; then
    npm run -s train -- --resume "runs/$name" --json >> "runs/$name.log" 2>&1
  else
    npm run -s train -- --out "runs/$name" --data "$DATA/edges2shoes-mini" --format aligned --doodle-strokes 0.5 \
      --size 128 --load-size 143 --ngf "$ngf" --ndf 32 --channel-cap "$cap" --epochs 1 --epochs-decay 1 \
      --iters "$ITERS" --save-every 100 --sample-every 400 --json > "runs/$name.log" 2>&1
  fi
  npm run -s export -- --checkpoint "runs/$name" --out "runs/$name-theme" --no-index --title "$name" \
    --description "size comparison" --licence "comparison only" --json > "runs/$name-export.json"
done
