// Scores of the photos made from real doodles (e.g. `npm run translate -- --side-by-side` on
// ../shared/doodles/quickdraw/CATEGORY), which have no target photo: mean gridScore (DESIGN.md) and
// backdropWhiteness (shared/metrics: the share of near-white pixels outside the drawn silhouette).
// Side-by-side PNGs (drawing | photo); a photo alone gets gridScore only.
//   npx tsx scripts/doodle-scores.ts DIR
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { backdropWhiteness, type FloatImage, gridScore } from '../shared/metrics';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx scripts/doodle-scores.ts DIR');
  process.exit(2);
}
const round = (v: number) => Math.round(v * 1000) / 1000;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.png')).sort();
const grid: number[] = [];
const backdrop: number[] = [];
for (const f of files) {
  const { data, info } = await sharp(path.join(dir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pair = info.width === 2 * info.height;
  const w = pair ? info.height : info.width;
  const half = (x0: number): FloatImage => {
    const img = new Float32Array(w * info.height * 3);
    for (let y = 0; y < info.height; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img[(y * w + x) * 3 + c] = data[(y * info.width + x0 + x) * 3 + c] / 255;
    return { data: img, width: w, height: info.height, channels: 3 };
  };
  const photo = half(pair ? info.width - w : 0);
  grid.push(gridScore(photo));
  const white = pair ? backdropWhiteness(half(0), photo) : null;
  if (white !== null) backdrop.push(white);
}
console.log(JSON.stringify({
  dir, images: grid.length, gridScore: round(mean(grid)), gridMax: round(Math.max(...grid)),
  ...(backdrop.length ? { backdropWhite: round(mean(backdrop)), backdropWhiteMin: round(Math.min(...backdrop)), atLeast90: `${backdrop.filter((v) => v >= 0.9).length}/${backdrop.length}` } : {}),
}));
