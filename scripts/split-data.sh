#!/usr/bin/env bash
# Splits edges2shoes-mini and edges2handbags-mini for the shipped themes: train = pairs 0000–0899,
# test = 0900–0999 (held out: looked at once, at the end), val = the sets' own val (100 pairs).
# Copies the images outside the repository (default ../splits); $t-heldout/val holds the test pairs for eval.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
OUT=${SPLITS:-../splits}
for t in shoes handbags; do
  src="$DATA/edges2$t-mini"
  mkdir -p "$OUT/$t/train" "$OUT/$t/val" "$OUT/$t/test"
  for f in "$src"/train/*.jpg; do
    n=$(basename "$f" .jpg)
    if [ $((10#$n)) -lt 900 ]; then cp "$f" "$OUT/$t/train/"; else cp "$f" "$OUT/$t/test/"; fi
  done
  cp "$src"/val/*.jpg "$OUT/$t/val/"
  # The held-out pairs as a dataset of their own, so `npm run eval -- --data $OUT/$t-heldout` scores them.
  mkdir -p "$OUT/$t-heldout/val" && cp "$OUT/$t/test"/*.jpg "$OUT/$t-heldout/val/"
  echo "$OUT/$t: $(ls "$OUT/$t/train" | wc -l) train, $(ls "$OUT/$t/val" | wc -l) val, $(ls "$OUT/$t/test" | wc -l) test"
done
