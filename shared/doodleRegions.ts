/**
 * The parts of a doodle a colour dab can mean: the areas its strokes enclose,
 * found on the doodle alone (the photo is intersected later, in
 * shared/photoParts). A player's outline rarely closes exactly, so gaps are
 * bridged, at two widths:
 * - what is inside: the outside is what the border reaches around the ink
 *   dilated to close gaps up to GAP_SHARE of the side (Quick Draw cats and
 *   shoes leave 10–15 px at 256 between stroke ends);
 * - which part: inside, the areas the ink separates once it is dilated to
 *   close only gaps up to DETAIL_SHARE, so a sole or an ear a few pixels
 *   thick is still a part of its own (the wide dilation would fill it).
 * The areas then grow back over the pixels the dilation took — the nearest
 * area wins, so a gap is split where the line would have run, a thin heel or
 * tail stays with its body, and every stroke is shared out between the areas
 * on either side of it.
 * Pure: no DOM, no Node, no tfjs. Masks are Uint8Array, 1 = ink (shared/pixels).
 */
import { fillFromBorder } from './pixels/masks';

/** A pixel darker than this (0–255 gray, the edge image's black lines on white) is ink. */
const INK_LEVEL = 128;
/** Outline gaps up to this share of the image side are bridged (15 px at 256). */
export const GAP_SHARE = 0.06;
/** Lines between parts with gaps up to this share of the side still separate them (8 px at 256). */
export const DETAIL_SHARE = 0.03;
/** Chamfer 3-4 distance weights: one step along an axis costs 3, a diagonal 4 (≈ 3√2), within 6 % of Euclidean. */
const AXIAL = 3, DIAGONAL = 4;

export interface DoodleRegions {
  width: number;
  height: number;
  /** Per pixel: 0 outside every enclosed area, 1..count the region it belongs to (strokes included). */
  labels: Int32Array;
  count: number;
}

/** The ink of an image of black lines on white (1–4 channels, RGBA or gray): 1 where it is dark. Alpha counts as paper. */
export function inkMask(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: number): Uint8Array {
  const n = width * height;
  const ink = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    let v = channels >= 3 ? (pixels[p] * 299 + pixels[p + 1] * 587 + pixels[p + 2] * 114) / 1000 : pixels[p];
    if (channels === 2 || channels === 4) {
      const a = pixels[p + channels - 1] / 255;
      v = v * a + 255 * (1 - a);
    }
    if (v < INK_LEVEL) ink[i] = 1;
  }
  return ink;
}

/** The bridged gap widths in pixels for an image side (outline, and between parts). */
export function gapsFor(side: number): { outline: number; detail: number } {
  return { outline: Math.max(2, Math.round(GAP_SHARE * side)), detail: Math.max(2, Math.round(DETAIL_SHARE * side)) };
}

/** Chamfer distance (in AXIAL units per pixel) from every pixel to the nearest ink pixel; capped at `cap`. */
function inkDistance(ink: Uint8Array, w: number, h: number, cap: number): Uint16Array {
  const d = new Uint16Array(w * h).fill(cap);
  for (let i = 0; i < d.length; i++) if (ink[i]) d[i] = 0;
  // Forward pass (left, up-left, up, up-right), then backward (right, down-right, down, down-left).
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      let v = d[i];
      if (!v) continue;
      if (x > 0 && d[i - 1] + AXIAL < v) v = d[i - 1] + AXIAL;
      if (y > 0) {
        if (d[i - w] + AXIAL < v) v = d[i - w] + AXIAL;
        if (x > 0 && d[i - w - 1] + DIAGONAL < v) v = d[i - w - 1] + DIAGONAL;
        if (x < w - 1 && d[i - w + 1] + DIAGONAL < v) v = d[i - w + 1] + DIAGONAL;
      }
      d[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1, i = y * w + w - 1; x >= 0; x--, i--) {
      let v = d[i];
      if (!v) continue;
      if (x < w - 1 && d[i + 1] + AXIAL < v) v = d[i + 1] + AXIAL;
      if (y < h - 1) {
        if (d[i + w] + AXIAL < v) v = d[i + w] + AXIAL;
        if (x < w - 1 && d[i + w + 1] + DIAGONAL < v) v = d[i + w + 1] + DIAGONAL;
        if (x > 0 && d[i + w - 1] + DIAGONAL < v) v = d[i + w - 1] + DIAGONAL;
      }
      d[i] = v;
    }
  }
  return d;
}

/**
 * Multi-source breadth-first growth (4-connected): every unlabelled pixel (label < 0) that
 * `open` marks takes the label of the first labelled neighbour to reach it. queue[0..tail)
 * holds the seeds; returns the new tail (the seeds and every pixel claimed, in order).
 */
function grow(labels: Int32Array, w: number, n: number, queue: Int32Array, tail: number, open: Uint8Array): number {
  for (let head = 0; head < tail; head++) {
    const j = queue[head], x = j % w, label = labels[j];
    let k = j - 1;
    if (x > 0 && labels[k] < 0 && open[k]) { labels[k] = label; queue[tail++] = k; }
    k = j + 1;
    if (x < w - 1 && labels[k] < 0 && open[k]) { labels[k] = label; queue[tail++] = k; }
    k = j - w;
    if (k >= 0 && labels[k] < 0 && open[k]) { labels[k] = label; queue[tail++] = k; }
    k = j + w;
    if (k < n && labels[k] < 0 && open[k]) { labels[k] = label; queue[tail++] = k; }
  }
  return tail;
}

/** Seeds for `grow`: every labelled pixel next to an unlabelled one. */
function frontier(labels: Int32Array, w: number, n: number, queue: Int32Array): number {
  let tail = 0;
  for (let j = 0; j < n; j++) {
    if (labels[j] < 0) continue;
    const x = j % w;
    if ((x > 0 && labels[j - 1] < 0) || (x < w - 1 && labels[j + 1] < 0) || (j >= w && labels[j - w] < 0) || (j < n - w && labels[j + w] < 0)) {
      queue[tail++] = j;
    }
  }
  return tail;
}

/**
 * The enclosed regions of a doodle's ink mask (see the module comment). `gaps`: the widest gaps
 * bridged, in pixels (default gapsFor(longer side)). An empty page or an open scribble has none.
 */
export function findRegions(ink: Uint8Array, width: number, height: number, gaps = gapsFor(Math.max(width, height))): DoodleRegions {
  const w = width, h = height, n = w * h;
  if (ink.length !== n) throw new Error(`findRegions: the mask holds ${ink.length} pixels, not ${w}×${h}`);
  // Dilating by half a gap closes it: a pixel is "fat ink" within gap/2 of a stroke.
  const outlineReach = Math.ceil((gaps.outline / 2) * AXIAL), detailReach = Math.ceil((Math.min(gaps.detail, gaps.outline) / 2) * AXIAL);
  const dist = inkDistance(ink, w, h, outlineReach + 1);
  const free = new Uint8Array(n), air = new Uint8Array(n), any = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    free[i] = dist[i] > detailReach ? 1 : 0;
    air[i] = ink[i] ? 0 : 1;
  }
  const outside = fillFromBorder(w, h, (i) => dist[i] > outlineReach);
  const labels = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (outside[i]) labels[i] = 0;
  // Each 4-connected area inside that the finely dilated ink separates is a region, except
  // the band between the two dilations that hugs the outline from outside: an area that
  // touches the outside and holds no pixel the wide dilation leaves free is not inside.
  const queue = new Int32Array(n);
  const dropped = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] >= 0 || !free[i] || dropped[i]) continue;
    labels[i] = ++count;
    queue[0] = i;
    const tail = grow(labels, w, n, queue, 1, free);
    let deep = false, touches = false;
    for (let k = 0; k < tail && !(deep && touches); k++) {
      const j = queue[k], x = j % w;
      if (dist[j] > outlineReach) deep = true;
      if ((x > 0 && outside[j - 1]) || (x < w - 1 && outside[j + 1]) || (j >= w && outside[j - w]) || (j < n - w && outside[j + w])) touches = true;
    }
    if (touches && !deep) {
      for (let k = 0; k < tail; k++) {
        labels[queue[k]] = -1;
        dropped[queue[k]] = 1;
      }
      count--;
    }
  }
  // Grow every area (outside included) back over the air the dilation took, then over the strokes.
  grow(labels, w, n, queue, frontier(labels, w, n, queue), air);
  grow(labels, w, n, queue, frontier(labels, w, n, queue), any);
  // A page that is all ink has nothing to grow from.
  for (let i = 0; i < n; i++) if (labels[i] < 0) labels[i] = 0;
  return { width: w, height: h, labels, count };
}
