/**
 * A built-in procedural dataset: simple shaded objects (balls, boxes,
 * shoe-like shapes, bags, bottles) in flat colours with soft lighting and a
 * ground shadow on a plain light background; the edge input is their
 * outlines (object silhouette and part boundaries), redrawn as strokes.
 * Generated in memory, deterministic from (seed, split, index): no files, so
 * training works on a fresh clone.
 */
import { gaussianBlur, sobel } from '../../shared/pixels/filters';
import { thin } from '../../shared/pixels/masks';
import { renderEdgeImage, strokeAugment } from '../../shared/pixels/strokes';
import { Rng } from '../../shared/random';
import { cropFlip, mixSeed, pickCrop, strokeWidthsFor, toSigned } from './augment';
import type { Dataset, DatasetOptions, Sample } from './types';

export const SYNTHETIC_LENGTH = { train: 1000, val: 100 } as const;
/** Salts keep the train and val scenes disjoint streams. */
const SPLIT_SALT = { train: 0x5eed0001, val: 0x5eed0002 } as const;

export type Rgb = [number, number, number];

export interface Part {
  kind: 'ellipse' | 'rrect' | 'ring';
  /** Centre and half extents, in frame units ([0, 1] across the image). */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** Rotation in radians. */
  angle: number;
  /** rrect: corner radius as a fraction of the smaller half extent; ring: inner/outer ratio. */
  round: number;
  colour: Rgb;
}

export interface Scene {
  kind: ObjectKind;
  background: Rgb;
  /** Painted in order: later parts cover earlier ones. */
  parts: Part[];
  /** Light direction in the image plane (unit vector, pointing towards the light). */
  light: [number, number];
}

export const OBJECT_KINDS = ['ball', 'box', 'shoe', 'bag', 'bottle'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

function randomColour(rng: Rng): Rgb {
  return hsv(rng.next(), rng.uniform(0.3, 0.9), rng.uniform(0.35, 0.95));
}

/** The same hue, lighter or darker. */
function shade(c: Rgb, k: number): Rgb {
  return c.map((v) => Math.max(0, Math.min(255, Math.round(k >= 1 ? v + (255 - v) * (k - 1) : v * k)))) as Rgb;
}

/** Parts of one object in a local box [-0.5, 0.5]², before framing. */
function objectParts(kind: ObjectKind, rng: Rng): Part[] {
  const main = randomColour(rng);
  const accent = rng.chance(0.5) ? randomColour(rng) : shade(main, rng.chance(0.5) ? 0.6 : 1.4);
  const P = (kind: Part['kind'], cx: number, cy: number, rx: number, ry: number, round: number, colour: Rgb, angle = 0): Part =>
    ({ kind, cx, cy, rx, ry, round, colour, angle });
  switch (kind) {
    case 'ball': {
      const r = 0.5;
      const parts = [P('ellipse', 0, 0, r, r * rng.uniform(0.75, 1), 0, main)];
      if (rng.chance(0.6)) parts.push(P('ellipse', rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15), rng.uniform(0.1, 0.2), rng.uniform(0.1, 0.2), 0, accent));
      return parts;
    }
    case 'box': {
      const rx = rng.uniform(0.3, 0.5), ry = rng.uniform(0.3, 0.5);
      const round = rng.uniform(0.05, 0.45);
      const lid = ry * rng.uniform(0.2, 0.35);
      return [
        P('rrect', 0, 0, rx, ry, round, main),
        P('rrect', 0, -ry + lid, rx, lid, round, accent),
      ];
    }
    case 'shoe': {
      const sole = rng.uniform(0.05, 0.09);
      const soleY = 0.3;
      const bodyH = rng.uniform(0.16, 0.24);
      const high = rng.chance(0.35);
      const ankleH = high ? rng.uniform(0.3, 0.45) : rng.uniform(0.12, 0.22);
      const ankleW = rng.uniform(0.14, 0.22);
      return [
        // Body sinks into the sole (drawn last), so the two always join.
        P('rrect', 0.02, soleY + sole - bodyH, 0.46, bodyH, rng.uniform(0.6, 0.95), main),
        P('rrect', -0.46 + ankleW + 0.03, soleY - bodyH - ankleH * 0.8, ankleW, ankleH, 0.4, main),
        P('ellipse', 0.34, soleY - bodyH * 0.45, 0.15, bodyH * 0.7, 0, accent),
        P('rrect', 0, soleY + sole, 0.5, sole, 0.6, shade(main, rng.chance(0.5) ? 0.35 : 1.8)),
      ];
    }
    case 'bag': {
      const rx = rng.uniform(0.38, 0.5), ry = rng.uniform(0.25, 0.32);
      const bodyY = 0.5 - ry;
      const handleR = rng.uniform(0.18, 0.3);
      return [
        P('ring', 0, bodyY - ry, handleR, handleR * rng.uniform(0.8, 1.3), rng.uniform(0.72, 0.85), shade(main, 0.7)),
        P('rrect', 0, bodyY, rx, ry, rng.uniform(0.1, 0.4), main),
        P('rrect', 0, bodyY - ry * 0.35, rx * rng.uniform(0.4, 0.8), ry * 0.15, 0.3, accent),
      ];
    }
    case 'bottle': {
      const rx = rng.uniform(0.18, 0.3);
      const neck = rx * rng.uniform(0.3, 0.5);
      return [
        P('rrect', 0, 0.12, rx, 0.38, rng.uniform(0.3, 0.7), main),
        P('rrect', 0, -0.36, neck, 0.12, 0.2, main),
        P('rrect', 0, -0.46, neck * 1.15, 0.045, 0.3, accent),
        P('rrect', 0, 0.12, rx, 0.12, 0.05, accent),
      ];
    }
  }
}

/** A random scene: one object, framed like the edges2shoes pictures (80–92% of the frame, roughly centred). */
export function makeScene(rng: Rng): Scene {
  const kind = OBJECT_KINDS[rng.int(0, OBJECT_KINDS.length - 1)];
  const parts = objectParts(kind, rng);
  const scale = rng.uniform(0.8, 0.92);
  const ox = 0.5 + rng.uniform(-0.03, 0.03);
  const oy = 0.5 + rng.uniform(-0.03, 0.03);
  const tilt = rng.uniform(-0.15, 0.15);
  const mirror = rng.chance(0.5) ? -1 : 1;
  const c = Math.cos(tilt), s = Math.sin(tilt);
  const framed = parts.map((p) => {
    const x = p.cx * mirror, y = p.cy;
    return { ...p, cx: ox + scale * (c * x - s * y), cy: oy + scale * (s * x + c * y), rx: p.rx * scale, ry: p.ry * scale, angle: p.angle + tilt };
  });
  const bgTint = rng.uniform(0, 1);
  const background = hsv(bgTint, rng.uniform(0, 0.08), rng.uniform(0.9, 1));
  const la = rng.uniform(-Math.PI * 0.9, -Math.PI * 0.1); // light from above
  return { kind, background, parts: framed, light: [Math.cos(la), Math.sin(la)] };
}

function inside(p: Part, x: number, y: number): boolean {
  const dx = x - p.cx, dy = y - p.cy;
  const c = Math.cos(p.angle), s = Math.sin(p.angle);
  const u = c * dx + s * dy, v = -s * dx + c * dy;
  if (p.kind === 'ellipse' || p.kind === 'ring') {
    const e = (u / p.rx) ** 2 + (v / p.ry) ** 2;
    if (e > 1) return false;
    return p.kind === 'ellipse' || (u / (p.rx * p.round)) ** 2 + (v / (p.ry * p.round)) ** 2 >= 1;
  }
  const r = p.round * Math.min(p.rx, p.ry);
  const qx = Math.abs(u) - (p.rx - r), qy = Math.abs(v) - (p.ry - r);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  return outside <= 0;
}

/** Object height for shading: the blurred silhouette, σ as a fraction of the side. */
const HEIGHT_SIGMA = 0.05;
const SHADOW_SIGMA = 0.04;

/**
 * Rasterises a scene at side×side: the photo (RGB) and the outline mask
 * (silhouette and part boundaries, 1 px).
 */
export function renderScene(scene: Scene, side: number): { photo: Uint8Array; outline: Uint8Array } {
  const n = side * side;
  const label = new Uint8Array(n);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const fx = (x + 0.5) / side, fy = (y + 0.5) / side;
      for (let k = scene.parts.length - 1; k >= 0; k--) {
        if (inside(scene.parts[k], fx, fy)) { label[y * side + x] = k + 1; break; }
      }
    }
  }
  const solid = new Float32Array(n);
  for (let i = 0; i < n; i++) solid[i] = label[i] ? 1 : 0;
  const height = gaussianBlur(solid, side, side, HEIGHT_SIGMA * side);
  const { gx, gy } = sobel(height, side, side);
  // Ground shadow: the silhouette blurred and shifted down, away from the light.
  const shadowSrc = new Float32Array(n);
  const shift = Math.round(0.03 * side);
  for (let y = 0; y < side - shift; y++) for (let x = 0; x < side; x++) shadowSrc[(y + shift) * side + x] = solid[y * side + x];
  const shadow = gaussianBlur(shadowSrc, side, side, SHADOW_SIGMA * side);

  const [lx, ly] = scene.light;
  const lz = 0.8;
  const ln = Math.hypot(lx, ly, lz);
  const bump = 0.6 * side; // converts per-pixel height slope to a normal tilt
  const photo = new Uint8Array(n * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      let rgb: number[];
      if (label[i]) {
        const nx = -gx[i] * bump, ny = -gy[i] * bump;
        const nn = Math.hypot(nx, ny, 1);
        const lambert = Math.max(0, (nx * lx + ny * ly + lz) / (nn * ln));
        const spec = Math.pow(Math.max(0, lambert), 24) * 0.35;
        const k = 0.35 + 0.75 * lambert;
        rgb = scene.parts[label[i] - 1].colour.map((c) => c * k + 255 * spec);
      } else {
        const vertical = 1 - 0.06 * (y / side);
        const dark = 1 - 0.3 * shadow[i];
        rgb = scene.background.map((c) => c * vertical * dark);
      }
      for (let c = 0; c < 3; c++) photo[3 * i + c] = Math.max(0, Math.min(255, Math.round(rgb[c])));
    }
  }
  // Outline: a pixel whose right or lower neighbour has another label; the later-drawn side gets the line.
  const outline = new Uint8Array(n);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      for (const j of [x + 1 < side ? i + 1 : -1, y + 1 < side ? i + side : -1]) {
        if (j >= 0 && label[j] !== label[i]) outline[label[i] > label[j] ? i : j] = 1;
      }
    }
  }
  return { photo, outline: thin(outline, side, side) };
}

export function openSynthetic(opts: DatasetOptions, budgetBytes: number): Dataset {
  const split = opts.split ?? 'train';
  const length = SYNTHETIC_LENGTH[split];
  const { size, loadSize } = opts;
  const sceneOf = (index: number) => makeScene(new Rng(mixSeed(opts.seed ^ SPLIT_SALT[split], index)));
  // Rendered scenes are cached (4 bytes per pixel) up to the memory budget.
  const cache = new Map<string, { photo: Uint8Array; outline: Uint8Array }>();
  let cachedBytes = 0;
  const rendered = (index: number, side: number) => {
    const key = `${index}@${side}`;
    let r = cache.get(key);
    if (!r) {
      r = renderScene(sceneOf(index), side);
      if (cachedBytes + 4 * side * side <= budgetBytes) {
        cache.set(key, r);
        cachedBytes += 4 * side * side;
      }
    }
    return r;
  };
  return {
    length,
    skipped: [],
    name: 'synthetic',
    describe: () =>
      `synthetic (${split}): ${length} generated objects (${OBJECT_KINDS.join(', ')}), seed ${opts.seed}, ${opts.direction}, ` +
      `resize ${loadSize} → crop ${size}${opts.flip ? ', flip' : ''}`,
    async sample(index: number, rng: Rng, augment: boolean): Promise<Sample> {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new RangeError(`sample index ${index} out of range [0, ${length})`);
      let photo: Uint8Array, edges: Uint8Array;
      if (augment) {
        const r = rendered(index, loadSize);
        const p = pickCrop(rng, loadSize, size, opts.flip);
        photo = cropFlip(r.photo, loadSize, 3, size, p);
        edges = renderEdgeImage(strokeAugment(cropFlip(r.outline, loadSize, 1, size, p), size, size, rng, strokeWidthsFor(size)), size, size);
      } else {
        const r = rendered(index, size);
        photo = r.photo;
        const strokeRng = new Rng(mixSeed(opts.seed ^ SPLIT_SALT[split], index + length));
        edges = renderEdgeImage(strokeAugment(r.outline, size, size, strokeRng, strokeWidthsFor(size)), size, size);
      }
      const [a, b] = opts.direction === 'AtoB' ? [edges, photo] : [photo, edges];
      return { edges: toSigned(a), photo: toSigned(b) };
    },
  };
}
