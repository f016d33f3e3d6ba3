#!/usr/bin/env bash
# Exports the trained runs (scripts/train-themes.sh) as the shipped themes and
# renders the real-doodle galleries in docs/. Needs ../shared/data and ../shared/doodles.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
DOODLES=${DOODLES:-../shared/doodles/quickdraw}
PROV="pix2pix public datasets as redistributed in Fadhilah20Syafa/Dataset-Sketch (photos from UT-Zappos50K or the iGAN Amazon handbags, edges by HED), 1,000-pair subsets"

FOOTWEAR="footwear-photos: GaneshNeupane01/Fashion-Recommendation-System (Myntra fashion product images), edges computed automatically"
npm run -s export -- --checkpoint runs/shoes-ft --out assets/themes/shoes --quantize uint8 --title "Shoes" \
  --description "Draw a shoe from the side" --frame doodle --stroke-width 2 --default \
  --data "$DATA/edges2shoes-mini" --format aligned \
  --licence "Research use: UT-Zappos50K and Myntra product photos (research only); weights trained here" \
  --provenance "edges2shoes-mini: $PROV; fine-tuned with 30% $FOOTWEAR"
npm run -s export -- --checkpoint runs/handbags --out assets/themes/handbags --quantize uint8 --title "Handbags" \
  --description "Draw a bag or a purse" --frame doodle --stroke-width 2 \
  --licence "Research use: iGAN Amazon handbag photos (research only); weights trained here" --provenance "edges2handbags-mini: $PROV"
npm run -s export -- --checkpoint runs/cats --out assets/themes/cats --quantize uint8 --title "Cats" \
  --description "Draw a cat (a face, or the whole cat)" --frame doodle --stroke-width 1 --margin 0.1 \
  --licence "MIT (AnnikaV9/cat-dataset); weights trained here" \
  --provenance "cat-faces-64: AnnikaV9/cat-dataset (MIT), sparse edges computed automatically (density 1.2, blur 1.4 px); 85% of samples shrunk into synthetic whole heads (ears, plain backdrop; a quarter with a body), framed as doodles are; 70% given a synthetic face sketch"

for pair in shoes:shoe handbags:purse cats:cat; do
  theme=${pair%%:*}; category=${pair##*:}
  out=$(mktemp -d)
  npm run -s translate -- --theme "assets/themes/$theme" --in "$DOODLES/$category" --out "$out" --side-by-side
  npx tsx scripts/make-gallery.ts "$out" "docs/gallery-$theme.png" --cols 4 --max 24
  rm -rf "$out"
done
