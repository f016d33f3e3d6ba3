// Mean gridScore (shared/metrics, DESIGN.md) of the photos in a folder — e.g. the outputs of
// `npm run translate` on real doodles, which have no target to compute the other metrics against.
// Side-by-side PNGs (input | photo) are scored on their right half.
//   npx tsx scripts/grid-score.ts DIR
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { gridScore } from '../shared/metrics';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx scripts/grid-score.ts DIR');
  process.exit(2);
}
const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.png')).sort();
const scores: number[] = [];
for (const f of files) {
  const { data, info } = await sharp(path.join(dir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const half = info.width === 2 * info.height;
  const w = half ? info.height : info.width;
  const x0 = half ? info.width - w : 0;
  const img = new Float32Array(w * info.height * 3);
  for (let y = 0; y < info.height; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img[(y * w + x) * 3 + c] = data[(y * info.width + x0 + x) * 3 + c] / 255;
  scores.push(gridScore({ data: img, width: w, height: info.height, channels: 3 }));
}
const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
console.log(JSON.stringify({ dir, images: scores.length, gridScore: Math.round(mean * 1000) / 1000, max: Math.round(Math.max(...scores) * 1000) / 1000 }));
