/** Binary morphology on masks (1 = ink): thinning, components, thickening, lines. Conventions: shared/pixels/filters.ts. */
import { floodFill8 } from './filters';

/** Number of set 8-neighbours of (x, y). */
export function neighbours8(m: Uint8Array, w: number, h: number, x: number, y: number): number {
  let n = 0;
  for (let oy = -1; oy <= 1; oy++) {
    const ny = y + oy;
    if (ny < 0 || ny >= h) continue;
    for (let ox = -1; ox <= 1; ox++) {
      if (!ox && !oy) continue;
      const nx = x + ox;
      if (nx >= 0 && nx < w && m[ny * w + nx]) n++;
    }
  }
  return n;
}

/** Ring of 8 neighbour offsets, clockwise from north. */
const RING: [number, number][] = [[0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1]];

/**
 * Number of separate branches leaving (x, y): 0→1 transitions around its
 * 8-neighbour ring. 1 = stroke end, 2 = on a stroke (also on staircases),
 * ≥ 3 = junction.
 */
export function crossings(m: Uint8Array, w: number, h: number, x: number, y: number): number {
  const at = (k: number) => {
    const [ox, oy] = RING[k & 7];
    const nx = x + ox, ny = y + oy;
    return nx >= 0 && nx < w && ny >= 0 && ny < h ? m[ny * w + nx] : 0;
  };
  let n = 0;
  for (let k = 0; k < 8; k++) if (!at(k) && at(k + 1)) n++;
  return n;
}

/**
 * Zhang–Suen thinning: reduces strokes to 1-pixel-wide, 8-connected
 * skeletons, keeping their topology. Returns a new mask.
 */
export function thin(mask: Uint8Array, w: number, h: number): Uint8Array {
  // Work on a copy with a 1-px empty border, so neighbours need no bounds checks,
  // and visit only the pixels still set (drawings are mostly background).
  const W = w + 2;
  const m = new Uint8Array(W * (h + 2));
  let live: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) {
        const i = (y + 1) * W + x + 1;
        m[i] = 1;
        live.push(i);
      }
    }
  }
  const del: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      del.length = 0;
      for (const i of live) {
        // Neighbours P2..P9 clockwise from north.
        const p2 = m[i - W], p3 = m[i - W + 1], p4 = m[i + 1], p5 = m[i + W + 1];
        const p6 = m[i + W], p7 = m[i + W - 1], p8 = m[i - 1], p9 = m[i - W - 1];
        const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
        if (b < 2 || b > 6) continue;
        const a =
          (p2 < p3 ? 1 : 0) + (p3 < p4 ? 1 : 0) + (p4 < p5 ? 1 : 0) + (p5 < p6 ? 1 : 0) +
          (p6 < p7 ? 1 : 0) + (p7 < p8 ? 1 : 0) + (p8 < p9 ? 1 : 0) + (p9 < p2 ? 1 : 0);
        if (a !== 1) continue;
        if (pass === 0 ? p2 * p4 * p6 || p4 * p6 * p8 : p2 * p4 * p8 || p2 * p6 * p8) continue;
        del.push(i);
      }
      if (del.length) {
        for (const i of del) m[i] = 0;
        live = live.filter((i) => m[i]);
        changed = true;
      }
    }
  }
  const out = new Uint8Array(w * h);
  for (const i of live) {
    const x = (i % W) - 1, y = Math.floor(i / W) - 1;
    out[y * w + x] = 1;
  }
  return out;
}

/**
 * Labels 8-connected components. Returns per-pixel labels (0 = background,
 * 1..count) and each component's pixel count (index 0 unused).
 */
export function labelComponents(mask: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || labels[i]) continue;
    const label = sizes.length;
    labels[i] = label;
    sizes.push(floodFill8(w, h, i, (k) => mask[k] !== 0 && !labels[k] && (labels[k] = label) === label));
  }
  return { labels, sizes };
}

/** Removes 8-connected fragments with fewer than `minSize` pixels. Returns a new mask. */
export function removeSmallComponents(mask: Uint8Array, w: number, h: number, minSize: number): Uint8Array {
  const { labels, sizes } = labelComponents(mask, w, h);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) if (labels[i] && sizes[labels[i]] >= minSize) out[i] = 1;
  return out;
}

/**
 * Offsets of a round brush `width` pixels across (1 = single pixel, 2 = 2×2,
 * 3 = 3×3, 4 = disc of diameter 4, …).
 */
export function brushOffsets(width: number): [number, number][] {
  const wd = Math.max(1, Math.round(width));
  const lo = -Math.floor((wd - 1) / 2);
  const c = (wd - 1) / 2 + lo; // brush centre in offset space
  const r2 = (wd / 2) * (wd / 2) + 1e-6;
  const out: [number, number][] = [];
  for (let oy = lo; oy < lo + wd; oy++) {
    for (let ox = lo; ox < lo + wd; ox++) {
      if ((ox - c) ** 2 + (oy - c) ** 2 <= r2) out.push([ox, oy]);
    }
  }
  return out;
}

/** Stamps a round brush of `width` on every set pixel (dilation). Returns a new mask. */
export function thicken(mask: Uint8Array, w: number, h: number, width: number): Uint8Array {
  const offs = brushOffsets(width);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (const [ox, oy] of offs) {
        const nx = x + ox, ny = y + oy;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h) out[ny * w + nx] = 1;
      }
    }
  }
  return out;
}

/** Draws a 1-pixel 8-connected line (Bresenham) between integer points, clipped to the image. */
export function drawLine(m: Uint8Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): void {
  const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    if (x0 >= 0 && x0 < w && y0 >= 0 && y0 < h) m[y0 * w + x0] = 1;
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
}

/** Forward neighbours checked when joining mapped skeleton pixels (each pair once). */
const FORWARD_NEIGHBOURS: [number, number][] = [[1, 0], [-1, 1], [0, 1], [1, 1]];

/**
 * Maps a skeleton through a point transform into an `outW`×`outH` mask,
 * joining the images of neighbouring pixels with lines so strokes stay
 * connected under stretching and warping.
 */
export function mapSkeleton(
  sk: Uint8Array, w: number, h: number, outW: number, outH: number,
  f: (x: number, y: number) => [number, number],
): Uint8Array {
  const out = new Uint8Array(outW * outH);
  const mx = new Int32Array(w * h);
  const my = new Int32Array(w * h);
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    const x = i % w, y = (i - x) / w;
    const [fx, fy] = f(x, y);
    mx[i] = Math.round(fx);
    my[i] = Math.round(fy);
  }
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    const x = i % w, y = (i - x) / w;
    drawLine(out, outW, outH, mx[i], my[i], mx[i], my[i]);
    for (const [ox, oy] of FORWARD_NEIGHBOURS) {
      const nx = x + ox, ny = y + oy;
      if (nx < 0 || nx >= w || ny >= h) continue;
      const j = ny * w + nx;
      if (sk[j]) drawLine(out, outW, outH, mx[i], my[i], mx[j], my[j]);
    }
  }
  return out;
}

/**
 * The pixels reachable from the image border through pixels that `passable`
 * accepts (4-connected flood fill): the outside of the closed shapes. 1 = reached.
 */
export function fillFromBorder(w: number, h: number, passable: (i: number) => boolean): Uint8Array {
  const reached = new Uint8Array(w * h);
  // Each pixel is pushed at most once, so a typed stack of w·h never overflows.
  const stack = new Int32Array(w * h);
  let top = 0;
  const push = (i: number) => {
    if (!reached[i] && passable(i)) {
      reached[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < w; x++) { push(x); push((h - 1) * w + x); }
  for (let y = 0; y < h; y++) { push(y * w); push(y * w + w - 1); }
  while (top > 0) {
    const j = stack[--top];
    const x = j % w, y = (j - x) / w;
    if (x > 0) push(j - 1);
    if (x < w - 1) push(j + 1);
    if (y > 0) push(j - w);
    if (y < h - 1) push(j + w);
  }
  return reached;
}
