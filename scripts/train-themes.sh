#!/usr/bin/env bash
# Reproduces the shipped shoes and handbags themes from ../shared/data (see docs/themes.md).
# Each run is resumable: rerun this script after an interruption and it
# continues from each run's last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
COMMON=(--size 128 --load-size 143 --ngf 24 --ndf 32 --channel-cap 96 --upsample resize --ema 0.999
  --doodle-strokes 0.5 --epochs 1 --epochs-decay 1 --save-every 200 --sample-every 500 --json)
# Held-out split: the last 100 training pairs (0900–0999) are kept out of training and looked at once, at the
# end (scripts/split-data.sh makes SPLITS/{shoes,handbags}/{train,val,test}).
SPLITS=${SPLITS:-../splits}

train() { # name, then train flags
  local name=$1; shift
  if [ -f "runs/$name/checkpoint/state.json" ]; then
    npm run -s train -- --resume "runs/$name" --json >> "runs/$name.log" 2>&1
  else
    mkdir -p runs
    npm run -s train -- --out "runs/$name" "$@" > "runs/$name.log" 2>&1
  fi
}

# The two runs are independent: on a 2-core machine run them side by side, one core each (PARALLEL=1 for one at a time).
train shoes-v2 --data "$SPLITS/shoes" --format aligned --extra-photos "$DATA/footwear-photos/train" --extra-share 0.3 \
  --iters "${SHOES_ITERS:-6500}" "${COMMON[@]}" &
[ "${PARALLEL:-2}" -gt 1 ] || wait
train handbags-v2 --data "$SPLITS/handbags" --format aligned --iters "${HANDBAGS_ITERS:-6500}" "${COMMON[@]}" &
wait
# Cats: not trained here. The shipped cats theme is the community edges2cats generator (256 px), imported:
#   npm run import -- --tfjs ../shared/models/cats-edges2cats-256-community --out runs/cats-imported --credit "…"
# (see scripts/export-themes.sh and docs/themes.md for why it is not fine-tuned on this machine).
