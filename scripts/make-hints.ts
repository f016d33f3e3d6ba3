// Writes a colour-hints file for `npm run translate -- --hints` from a folder of doodles:
// 2–3 dabs per doodle, inside its outline, each a different colour of a small palette
// (for the colour galleries in docs/).
//   npx tsx scripts/make-hints.ts DOODLE_DIR OUT.json [--per 2|3] [--radius 10]
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ColourHint } from '../shared/colourHints';
import { decodeFile, listFolder } from '../trainer/data/decode';
import { fillFromBorder } from '../shared/pixels/masks';

const PALETTE: [number, number, number][] = [
  [210, 30, 40], [30, 80, 200], [240, 200, 30], [40, 150, 60], [230, 110, 170], [240, 130, 20], [120, 60, 30], [250, 250, 245],
];

/** Pixels enclosed by the ink: not reachable from the border without crossing a dark pixel. */
function interior(gray: Float32Array, w: number, h: number): number[] {
  const open = fillFromBorder(w, h, (p) => gray[p] > 0.6);
  const inside: number[] = [];
  for (let p = 0; p < w * h; p++) if (!open[p] && gray[p] > 0.6) inside.push(p);
  return inside;
}

/** City-block distance of every pixel to the nearest ink pixel (two-pass transform). */
function inkDistance(gray: Float32Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h).fill(1e9);
  for (let p = 0; p < w * h; p++) if (gray[p] <= 0.6) d[p] = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    if (x > 0) d[p] = Math.min(d[p], d[p - 1] + 1);
    if (y > 0) d[p] = Math.min(d[p], d[p - w] + 1);
  }
  for (let y = h - 1; y >= 0; y--) for (let x = w - 1; x >= 0; x--) {
    const p = y * w + x;
    if (x < w - 1) d[p] = Math.min(d[p], d[p + 1] + 1);
    if (y < h - 1) d[p] = Math.min(d[p], d[p + w] + 1);
  }
  return d;
}

async function main() {
  const [dir, out, ...rest] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: tsx scripts/make-hints.ts DOODLE_DIR OUT.json [--per 2|3] [--radius 10]');
    process.exit(2);
  }
  const flag = (name: string, def: number) => (rest.includes(`--${name}`) ? Number(rest[rest.indexOf(`--${name}`) + 1]) : def);
  const radius = flag('radius', 10);
  const listing = await listFolder(dir);
  if (!listing) throw new Error(`${dir} is not a folder`);
  const hints: Record<string, ColourHint[]> = {};
  let k = 0;
  for (const file of listing.images.sort()) {
    const img = await decodeFile(file);
    const { width: w, height: h } = img;
    const gray = new Float32Array(w * h);
    for (let p = 0; p < w * h; p++) gray[p] = (img.data[p * 3] + img.data[p * 3 + 1] + img.data[p * 3 + 2]) / 765;
    let candidates = interior(gray, w, h);
    if (candidates.length < 50) {
      // An open outline: the middle of the ink's box.
      let x0 = w, y0 = h, x1 = 0, y1 = 0;
      for (let p = 0; p < w * h; p++) if (gray[p] < 0.6) { const x = p % w, y = Math.floor(p / w); x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      candidates = [];
      for (let y = Math.round(y0 + (y1 - y0) * 0.35); y <= y0 + (y1 - y0) * 0.65; y++) for (let x = Math.round(x0 + (x1 - x0) * 0.25); x <= x0 + (x1 - x0) * 0.75; x++) candidates.push(y * w + x);
    }
    // Keep away from the lines: a dab on the outline reads as ink, not as the object's colour.
    const dist = inkDistance(gray, w, h);
    const far = candidates.filter((c) => dist[c] >= 10);
    if (far.length >= 20) candidates = far;
    const per = flag('per', 2 + (k % 2));
    // Farthest-point sampling from the first candidate: dabs spread over the object.
    const picks = [candidates[Math.floor(candidates.length / 2)]];
    while (picks.length < per) {
      let best = candidates[0], bestD = -1;
      for (const c of candidates) {
        const d = Math.min(...picks.map((p) => (p % w - c % w) ** 2 + (Math.floor(p / w) - Math.floor(c / w)) ** 2));
        if (d > bestD) { bestD = d; best = c; }
      }
      picks.push(best);
    }
    hints[path.basename(file)] = picks.map((p, i) => ({ x: (p % w) + 0.5, y: Math.floor(p / w) + 0.5, radius, rgb: PALETTE[(k + i) % PALETTE.length] }));
    k++;
  }
  await fs.writeFile(out, JSON.stringify(hints, null, 1));
  console.log(`wrote ${out}: hints for ${Object.keys(hints).length} doodles`);
}

await main();
