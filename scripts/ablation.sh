#!/usr/bin/env bash
# Equal-wall-time ablation of the quality recipes (the goal: photos that look like photos, without a grid).
#
#   scripts/ablation.sh [MINUTES] [OUT]      e.g. scripts/ablation.sh 20 runs/ablation
#
# Every recipe trains on the same data (edges2shoes-mini, 128 px, ngf 24 / ndf 32 /
# cap 96, the shipped themes' size), with the same seed and a constant learning rate,
# for MINUTES of wall time on one core each (two recipes at a time on a 2-core
# machine: never more trainings than cores); Ctrl+C-style stop (SIGINT) saves the
# checkpoint. Each run is then exported (float32, so quantization is not part of
# the comparison), scored on the val split (l1 / ssim / psnr / sharpness / edgeF1 /
# gridScore) and rendered on the Quick Draw shoe doodles. The table goes to
# OUT/table.md; galleries to OUT/gallery-RECIPE.png. Resumable: a recipe with a
# finished eval is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-20}
OUT=${2:-runs/ablation}
DATA=${DATA:-../shared/data/edges2shoes-mini}
DOODLES=${DOODLES:-../shared/doodles/quickdraw/shoe}
PARALLEL=${PARALLEL:-$(nproc)}
COMMON=(--data "$DATA" --format aligned --size 128 --load-size 143 --ngf 24 --ndf 32 --channel-cap 96
  --doodle-strokes 0.5 --iters 1000000 --epochs 1 --epochs-decay 0 --seed 1 --save-every 500 --sample-every 2000 --json)

# name|flags (one change at a time, in this order)
RECIPES=(
  "baseline|--upsample transpose"
  "resize|--upsample resize"
  "resize-ema|--upsample resize --ema 0.999"
  "resize-ema-fm|--upsample resize --ema 0.999 --feature-matching 10"
)

mkdir -p "$OUT"
train_one() { # name flags…
  local name=$1; shift
  local run="$OUT/$name"
  [ -f "$run/eval.json" ] && return 0
  if [ ! -f "$run/checkpoint/state.json" ]; then
    # One process (node --import tsx), so SIGINT reaches the trainer itself and it saves before stopping.
    timeout -s INT "${MINUTES}m" node --import tsx trainer/cli/train.ts --out "$run" "${COMMON[@]}" "$@" > "$run.log" 2>&1 || true
  fi
  if [ ! -f "$run/checkpoint/state.json" ]; then echo "ablation: $name saved no checkpoint (see $run.log)" >&2; return 1; fi
  local theme="$OUT/themes/$name"
  node --import tsx trainer/cli/export.ts --checkpoint "$run" --out "$theme" --quantize none --no-index --limit 1 --gallery 1 > /dev/null 2>&1
  node --import tsx trainer/cli/eval.ts --theme "$theme" --data "$DATA" --json > "$run/eval.tmp" && mv "$run/eval.tmp" "$run/eval.json"
  local doodles; doodles=$(mktemp -d)
  node --import tsx trainer/cli/translate.ts --theme "$theme" --in "$DOODLES" --out "$doodles" --side-by-side > /dev/null 2>&1
  node --import tsx scripts/make-gallery.ts "$doodles" "$OUT/gallery-$name.png" --cols 4 --max 16 > /dev/null
  rm -rf "$doodles"
}

running=0
for recipe in "${RECIPES[@]}"; do
  name=${recipe%%|*}; flags=${recipe#*|}
  # shellcheck disable=SC2086
  train_one "$name" $flags &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true

node -e '
const fs = require("fs"); const path = require("path");
const [out, minutes, dataName, ...names] = process.argv.slice(1);
const rows = names.filter((n) => fs.existsSync(path.join(out, n, "eval.json"))).map((n) => {
  const e = JSON.parse(fs.readFileSync(path.join(out, n, "eval.json"), "utf8"));
  const st = JSON.parse(fs.readFileSync(path.join(out, n, "checkpoint", "state.json"), "utf8"));
  return `| ${n} | ${st.step} | ${e.l1} | ${e.ssim} | ${e.psnr} | ${e.sharpness} | ${e.edgeF1} | ${e.gridScore} | ${e.stdErr ? e.stdErr.l1 : ""} |`;
});
const table = [`Equal wall time: ${minutes} min per recipe, one core each; val split of ${dataName} at 128 px.`, "",
  "| recipe | iterations | l1 ↓ | ssim ↑ | psnr ↑ | sharpness (1 = real) | edgeF1 ↑ | gridScore (real ≈ −0.14) | l1 std. error |", "|---|---|---|---|---|---|---|---|---|", ...rows].join("\n");
fs.writeFileSync(path.join(out, "table.md"), table + "\n");
console.log(table);
' "$OUT" "$MINUTES" "$(basename "$DATA")" $(for r in "${RECIPES[@]}"; do echo "${r%%|*}"; done)
