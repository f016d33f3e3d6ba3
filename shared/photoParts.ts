/**
 * Which pixels of a photo a colour dab can mean: the doodle's regions
 * (shared/doodleRegions) intersected with the photo's object, and how the
 * parts hang together.
 *
 * - Background: the light, gray pixels the border reaches. Inside a doodle
 *   region only near-white counts (a pale shoe stays a shoe); outside every
 *   region light gray counts too (the faint speckle some generators leave
 *   on the paper), and any object piece smaller than MIN_PIECE_SHARE of the
 *   image is a speck, not a part. A region the photo shows mostly light is a
 *   hole (the gap inside a bag's handle), not a part.
 * - Parts: each doodle region's object pixels, grown up to REACH_SHARE of the
 *   side over object pixels outside every region (the generator paints a
 *   little past the line); the object left over forms parts of its own (an
 *   open scribble's photo, whiskers the generator made into fur).
 * - Parents: a part takes its colour from its parent while it has no dab of its
 *   own. A doodle region's parent is the largest larger region it touches (the
 *   shoe for its sole, the head for an ear); a piece outside every region hangs
 *   on the largest region it touches (the shadow under a shoe, fur past an open
 *   outline). So one dab in the shoe colours the whole shoe and what the
 *   generator painted around it, and a dab in the sole then recolours the sole.
 *
 * Pure: no DOM, no Node, no tfjs.
 */
import type { DoodleRegions } from './doodleRegions';
import { fillFromBorder } from './pixels/masks';

/** Near-white (OKLab L above, chroma below): background anywhere the border reaches. */
const WHITE_L = 0.93, WHITE_CHROMA = 0.03;
/** Light gray: background outside the doodle's regions, where the border reaches. */
const PAPER_L = 0.85, PAPER_CHROMA = 0.05;
/** A region whose pixels are this much light gray is a hole in the object, not a part. */
const HOLE_SHARE = 0.6;
/** Object pieces outside every region smaller than this share of the image are specks (background). */
export const MIN_PIECE_SHARE = 0.002;
/** A region claims object pixels up to this share of the side outside its outline (≈ 8 px at 256). */
export const REACH_SHARE = 0.03;

export interface PhotoParts {
  width: number;
  height: number;
  /** 1 where the photo shows the object. */
  object: Uint8Array;
  /** Per pixel: 0 none (background), else the part (1..count). Parts ≤ doodleParts are doodle regions. */
  parts: Int32Array;
  count: number;
  doodleParts: number;
  /** parent[p]: the part p takes its colour from while it has no dab (0: none). */
  parent: Int32Array;
  /** The pixels of part p are pixels[start[p] .. start[p + 1]). */
  start: Int32Array;
  pixels: Int32Array;
  /** Bounding box of part p (inclusive). */
  box: { x0: Int32Array; y0: Int32Array; x1: Int32Array; y1: Int32Array };
}

export interface PhotoPartsOptions {
  /** Overrides REACH_SHARE · side (pixels). */
  reachPx?: number;
}

/** The parts of a photo, given its OKLab pixels (L, a, b per pixel) and the doodle's regions in its frame. */
export function photoParts(lab: Float32Array, regions: DoodleRegions, options: PhotoPartsOptions = {}): PhotoParts {
  const { width: w, height: h } = regions;
  const n = w * h;
  if (lab.length !== n * 3) throw new Error(`photoParts: ${lab.length / 3} pixels for ${w}×${h} regions`);
  const reach = Math.max(0, Math.round(options.reachPx ?? REACH_SHARE * Math.max(w, h)));
  // white[i]: near-white; paper[i]: light gray (white is paper too).
  const white = new Uint8Array(n), paper = new Uint8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const L = lab[o], c2 = lab[o + 1] * lab[o + 1] + lab[o + 2] * lab[o + 2];
    if (L > PAPER_L && c2 < PAPER_CHROMA * PAPER_CHROMA) {
      paper[i] = 1;
      if (L > WHITE_L && c2 < WHITE_CHROMA * WHITE_CHROMA) white[i] = 1;
    }
  }

  // Holes: regions the photo shows mostly as paper.
  const region = Int32Array.from(regions.labels);
  const size = new Int32Array(regions.count + 1), light = new Int32Array(regions.count + 1);
  for (let i = 0; i < n; i++) {
    size[region[i]]++;
    light[region[i]] += paper[i];
  }
  const hole = new Uint8Array(regions.count + 1);
  for (let r = 1; r <= regions.count; r++) hole[r] = light[r] >= HOLE_SHARE * size[r] ? 1 : 0;
  const background = fillFromBorder(w, h, (i) => (region[i] ? white[i] : paper[i]) === 1);
  for (let i = 0; i < n; i++) {
    if (!hole[region[i]]) continue;
    if (paper[i]) background[i] = 1;
    region[i] = 0;
  }

  // Doodle regions on the object, then grown over the object just outside them (open: not yet claimed).
  const parts = new Int32Array(n);
  const queue = new Int32Array(n);
  const depth = new Int32Array(n);
  const open = new Uint8Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    if (background[i]) continue;
    if (region[i]) {
      parts[i] = region[i];
      queue[tail++] = i;
    } else open[i] = 1;
  }
  for (let head = 0; head < tail; head++) {
    const j = queue[head];
    if (depth[j] >= reach) continue;
    const x = j % w, p = parts[j], d = depth[j] + 1;
    let k = j - 1;
    if (x > 0 && open[k]) { open[k] = 0; parts[k] = p; depth[k] = d; queue[tail++] = k; }
    k = j + 1;
    if (x < w - 1 && open[k]) { open[k] = 0; parts[k] = p; depth[k] = d; queue[tail++] = k; }
    k = j - w;
    if (k >= 0 && open[k]) { open[k] = 0; parts[k] = p; depth[k] = d; queue[tail++] = k; }
    k = j + w;
    if (k < n && open[k]) { open[k] = 0; parts[k] = p; depth[k] = d; queue[tail++] = k; }
  }

  // The object nobody claimed: pieces of their own, or specks.
  let count = regions.count;
  const minPiece = Math.max(1, Math.round(MIN_PIECE_SHARE * n));
  for (let i = 0; i < n; i++) {
    if (!open[i]) continue;
    const id = ++count;
    open[i] = 0;
    parts[i] = id;
    queue[0] = i;
    tail = 1;
    for (let head = 0; head < tail; head++) {
      const j = queue[head], x = j % w;
      let k = j - 1;
      if (x > 0 && open[k]) { open[k] = 0; parts[k] = id; queue[tail++] = k; }
      k = j + 1;
      if (x < w - 1 && open[k]) { open[k] = 0; parts[k] = id; queue[tail++] = k; }
      k = j - w;
      if (k >= 0 && open[k]) { open[k] = 0; parts[k] = id; queue[tail++] = k; }
      k = j + w;
      if (k < n && open[k]) { open[k] = 0; parts[k] = id; queue[tail++] = k; }
    }
    if (tail < minPiece) {
      for (let k = 0; k < tail; k++) {
        parts[queue[k]] = 0;
        background[queue[k]] = 1;
      }
      count--;
    }
  }
  const object = new Uint8Array(n);
  for (let i = 0; i < n; i++) object[i] = background[i] ? 0 : 1;

  // Pixel lists and boxes per part (counting sort by part).
  const start = new Int32Array(count + 2);
  for (let i = 0; i < n; i++) start[parts[i] + 1]++;
  for (let p = 1; p <= count + 1; p++) start[p] += start[p - 1];
  const pixels = new Int32Array(n);
  const fill = start.slice(0, count + 1);
  const box = { x0: new Int32Array(count + 1).fill(w), y0: new Int32Array(count + 1).fill(h), x1: new Int32Array(count + 1).fill(-1), y1: new Int32Array(count + 1).fill(-1) };
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    pixels[fill[p]++] = i;
    const x = i % w, y = (i - x) / w;
    if (x < box.x0[p]) box.x0[p] = x;
    if (x > box.x1[p]) box.x1[p] = x;
    if (y < box.y0[p]) box.y0[p] = y;
    if (y > box.y1[p]) box.y1[p] = y;
  }
  const area = (p: number) => start[p + 1] - start[p];

  // Which parts touch (across a right or down pixel edge).
  const touching = new Set<number>();
  const touch = (a: number, b: number) => {
    if (a && b) touching.add(a * (count + 1) + b);
  };
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (!p) continue;
    if ((i + 1) % w && parts[i + 1] !== p) { touch(p, parts[i + 1]); touch(parts[i + 1], p); }
    if (i < n - w && parts[i + w] !== p) { touch(p, parts[i + w]); touch(parts[i + w], p); }
  }
  // Each part's parent: the largest doodle region it touches, larger than itself if it is a region
  // itself (ties: the lower id). Only what the player drew is a parent: a piece the generator
  // painted outside the drawing (a shadow, fur past an open outline) hangs on it, never over it.
  const parent = new Int32Array(count + 1);
  for (const key of touching.keys()) {
    const p = Math.floor(key / (count + 1)), q = key % (count + 1);
    if (q > regions.count || (p <= regions.count && area(q) <= area(p))) continue;
    const r = parent[p];
    if (!r || area(q) > area(r) || (area(q) === area(r) && q < r)) parent[p] = q;
  }
  return { width: w, height: h, object, parts, count, doodleParts: regions.count, parent, start, pixels, box };
}
