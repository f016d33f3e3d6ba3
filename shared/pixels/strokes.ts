/** Edge map → hand-drawn look: simplified, wobbled strokes with a varying brush, and the black-on-white image the model sees. */
import type { Rng } from '../random';
import { clamp } from './filters';
import { brushOffsets, crossings, labelComponents, mapSkeleton, neighbours8, removeSmallComponents, thin } from './masks';

export interface StrokeOptions {
  /** Stroke width range in pixels, drawn once per sample (defaults 1–4). */
  minWidth?: number;
  maxWidth?: number;
  /** Width varies along strokes by up to ± this many pixels (smoothly), inside [minWidth, maxWidth]. Default 0.5. */
  widthJitter?: number;
  /** Wobble amplitude (std. dev. of the displacement, px); default 0.8% of the shorter side (2 px at 256). */
  wobble?: number;
  /** Wobble wavelength: spacing of the random displacement grid (px); default a third of the shorter side. */
  wobbleScale?: number;
  /** Segments (between junctions) shorter than this are always removed (simplification); default 2% of side. */
  minSegment?: number;
  /** Segments shorter than this are "short" and dropped with `dropProb`; default 10% of side. */
  shortSegment?: number;
  /** Probability of dropping a short segment (default 0.3). */
  dropProb?: number;
}

/**
 * A smooth random field in roughly N(0, 1): Gaussian values on a coarse
 * grid, interpolated with smoothstep weights.
 */
function smoothField(w: number, h: number, cell: number, rng: Rng): (x: number, y: number) => number {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.normal();
  const s = (t: number) => t * t * (3 - 2 * t);
  return (x, y) => {
    const u = x / cell, v = y / cell;
    const i = Math.floor(u), j = Math.floor(v);
    const fu = s(u - i), fv = s(v - j);
    const g = (a: number, b: number) => grid[clamp(b, 0, gh - 1) * gw + clamp(a, 0, gw - 1)];
    const top = g(i, j) * (1 - fu) + g(i + 1, j) * fu;
    const bot = g(i, j + 1) * (1 - fu) + g(i + 1, j + 1) * fu;
    return top * (1 - fv) + bot * fv;
  };
}

/**
 * Makes an edge mask look hand-drawn: simplify (remove tiny segments), drop
 * some short segments, wobble the lines with a smooth displacement field,
 * then draw them with a random brush width (1–4 px by default) that varies a
 * little along the strokes. All randomness comes from `rng`, in a fixed order.
 */
export function strokeAugment(mask: Uint8Array, w: number, h: number, rng: Rng, opts: StrokeOptions = {}): Uint8Array {
  const side = Math.min(w, h);
  const minWidth = Math.max(1, Math.round(opts.minWidth ?? 1));
  const maxWidth = Math.max(minWidth, Math.round(opts.maxWidth ?? 4));
  const widthJitter = opts.widthJitter ?? 0.5;
  const wobble = opts.wobble ?? 0.008 * side;
  const wobbleScale = Math.max(4, opts.wobbleScale ?? side / 3);
  const minSegment = opts.minSegment ?? Math.max(2, Math.round(0.02 * side));
  const shortSegment = opts.shortSegment ?? Math.round(0.1 * side);
  const dropProb = opts.dropProb ?? 0.3;

  const baseWidth = rng.uniform(minWidth, maxWidth + 1 - 1e-9); // continuous, so the widths are used evenly after flooring
  const sk = thin(mask, w, h);

  // Split the skeleton into segments at junctions (pixels with > 2 neighbours).
  const junction = new Uint8Array(w * h);
  const body = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!sk[i]) continue;
      if (crossings(sk, w, h, x, y) > 2) junction[i] = 1;
      else body[i] = 1;
    }
  }
  const { labels, sizes } = labelComponents(body, w, h);
  const keepSeg = new Uint8Array(sizes.length);
  for (let s = 1; s < sizes.length; s++) {
    const len = sizes[s];
    const drop = len < minSegment || (len < shortSegment && rng.chance(dropProb));
    keepSeg[s] = drop ? 0 : 1;
  }
  const kept = new Uint8Array(w * h);
  for (let i = 0; i < kept.length; i++) if (labels[i] && keepSeg[labels[i]]) kept[i] = 1;
  // A junction survives when it touches a kept segment (directly or via another such junction).
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (junction[i] && !kept[i] && neighbours8(kept, w, h, x, y) > 0) kept[i] = 1;
      }
    }
  }
  const simplified = removeSmallComponents(kept, w, h, minSegment);

  // Wobble: displace the skeleton by a smooth random field.
  const fx = smoothField(w, h, wobbleScale, rng);
  const fy = smoothField(w, h, wobbleScale, rng);
  const warped = wobble > 0
    ? mapSkeleton(simplified, w, h, w, h, (x, y) => [x + wobble * fx(x, y), y + wobble * fy(x, y)])
    : simplified;

  // Brush: width per pixel from a smooth field around the sample's base width.
  const fw = smoothField(w, h, wobbleScale, rng);
  const out = new Uint8Array(w * h);
  const brushes = new Map<number, [number, number][]>();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!warped[y * w + x]) continue;
      const wd = clamp(Math.floor(baseWidth + widthJitter * clamp(fw(x, y), -1, 1)), minWidth, maxWidth);
      let offs = brushes.get(wd);
      if (!offs) brushes.set(wd, (offs = brushOffsets(wd)));
      for (const [ox, oy] of offs) {
        const nx = x + ox, ny = y + oy;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h) out[ny * w + nx] = 1;
      }
    }
  }
  return out;
}

/** Black lines on white, RGB interleaved: the image the model sees. */
export function renderEdgeImage(mask: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3).fill(255);
  for (let i = 0; i < w * h; i++) {
    if (mask[i]) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = 0;
  }
  return out;
}
