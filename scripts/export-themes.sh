#!/usr/bin/env bash
# Exports the trained runs (scripts/train-themes.sh) as the shipped themes and
# renders the real-doodle galleries in docs/. Needs ../shared/data and ../shared/doodles.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
DOODLES=${DOODLES:-../shared/doodles/quickdraw}
PROV="pix2pix public datasets as redistributed in Fadhilah20Syafa/Dataset-Sketch (photos from UT-Zappos50K or the iGAN Amazon handbags, edges by HED), 1,000-pair subsets"

FOOTWEAR="footwear-photos: GaneshNeupane01/Fashion-Recommendation-System (Myntra fashion product images), edges computed automatically"
SPLITS=${SPLITS:-../splits}
npm run -s export -- --checkpoint runs/shoes-v2 --out assets/themes/shoes --quantize uint8 --title "Shoes" \
  --description "Draw a shoe from the side" --frame doodle --stroke-width 2 --default \
  --data "$DATA/edges2shoes-mini" --format aligned \
  --licence "Research use: UT-Zappos50K and Myntra product photos (research only); weights trained here" \
  --provenance "edges2shoes-mini (pairs 0000–0899; 0900–0999 held out): $PROV; with 30% $FOOTWEAR"
npm run -s export -- --checkpoint runs/handbags-v2 --out assets/themes/handbags --quantize uint8 --title "Handbags" \
  --description "Draw a bag or a purse" --frame doodle --stroke-width 2 --data "$DATA/edges2handbags-mini" --format aligned \
  --licence "Research use: iGAN Amazon handbag photos (research only); weights trained here" \
  --provenance "edges2handbags-mini (pairs 0000–0899; 0900–0999 held out): $PROV"
# Cats: the community edges2cats generator, imported unchanged (MIT); 256 px.
[ -f runs/cats-imported/checkpoint/state.json ] || npm run -s import -- --tfjs ../shared/models/cats-edges2cats-256-community --out runs/cats-imported \
  --credit "edges2cats pix2pix generator by Zaid Alyafeai (zaidalyafeai/ml-projects, pix2pix/cats_model_small, commit 3523bffa1f876fd6d67fe599dfbe52570290df6d), MIT licence"
npm run -s export -- --checkpoint runs/cats-imported --out assets/themes/cats --title "Cats" --description "Draw a cat (a face, or the whole cat)" \
  --frame doodle --stroke-width 3 --margin 0.08 --quantize-tolerance 0.04 \
  --licence "MIT: generator weights by Zaid Alyafeai (zaidalyafeai/ml-projects), imported unchanged; see LICENSE-weights.txt" \
  --provenance "community edges2cats pix2pix generator (GPU-trained on edge maps of about a thousand cat photos with a port of affinelayer/pix2pix-tensorflow), imported with npm run import -- --tfjs; batch norm run on per-image statistics (instance norm with its learned scale and offset)"
cp ../shared/models/cats-edges2cats-256-community/LICENSE assets/themes/cats/LICENSE-weights.txt

# Real-doodle galleries (docs/gallery-THEME.png), and with 2–3 colour dabs per doodle (docs/gallery-THEME-colours.png).
for pair in shoes:shoe handbags:purse cats:cat; do
  theme=${pair%%:*}; category=${pair##*:}
  out=$(mktemp -d)
  npm run -s translate -- --theme "assets/themes/$theme" --in "$DOODLES/$category" --out "$out" --side-by-side
  npx tsx scripts/make-gallery.ts "$out" "docs/gallery-$theme.png" --cols 4 --max 24
  npx tsx scripts/doodle-scores.ts "$out"
  if [ "$theme" = cats ]; then
    # The cats theme has no val split to draw a preview from: the photo of one real doodle.
    node -e 'require("sharp")(process.argv[1]).extract({left: 256, top: 0, width: 256, height: 256}).png().toFile(process.argv[2])' \
      "$out/$(ls "$out" | sed -n 12p)" assets/themes/cats/preview.png
  fi
  rm -rf "$out"
  # The colour tool on every theme (shared/regionColour): a few dabs per doodle.
  out=$(mktemp -d)
  npx tsx scripts/make-hints.ts "$DOODLES/$category" "$out/hints.json"
  npm run -s translate -- --theme "assets/themes/$theme" --in "$DOODLES/$category" --out "$out/photos" --side-by-side --hints "$out/hints.json"
  npx tsx scripts/make-gallery.ts "$out/photos" "docs/gallery-$theme-colours.png" --cols 4 --max 24
  rm -rf "$out"
done

# Val, and the held-out pairs, looked at once.
for t in shoes handbags; do
  npm run -s eval -- --theme "assets/themes/$t" --data "$DATA/edges2$t-mini" --json
  npm run -s eval -- --theme "assets/themes/$t" --data "$SPLITS/$t-heldout" --json
done
