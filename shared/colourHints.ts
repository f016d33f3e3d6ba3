/**
 * Colour hints: dabs of colour a player puts on a doodle ("this shoe is red").
 * A hint theme's generator takes the edge image plus HINT_CHANNELS channels:
 * the hint colour in [-1, 1] where a dab is (0 elsewhere) and a 0/1 mask, as
 * in Zhang et al. 2017 (user-guided colourisation, trained with points sampled
 * from the target photo). Training samples hints from the target photo; the
 * game and the widget take them from the player and map them through the
 * doodle framing. Pure functions: no DOM, no Node.
 */
import { HINT_CHANNELS } from './config';
import type { Rng } from './random';
import { BadInputError } from './errors';
import { byteToModel, modelToByte } from './byteRange';

/** One dab: a disc of colour. x, y, radius in pixels of the image it belongs to; rgb 0–255. */
export interface ColourHint {
  x: number;
  y: number;
  radius: number;
  rgb: [number, number, number];
}

/** Dab radius in model pixels, as a share of the model side: what training used, and what drawn dabs are clamped to. */
export const HINT_RADIUS_RANGE = [0.015, 0.045] as const;
/** A photo pixel brighter than this in every channel (0..1) is background: hints are taken from the object. */
const BACKGROUND_LEVEL = 0.9;
/** Share of sampled hints that are short strokes (3–5 dabs along a line) rather than one dab. */
const STROKE_SHARE = 0.3;

export class HintError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'HintError';
  }
}

/** Throws a HintError naming the first malformed hint (user input from the widget API or a JSON file). */
export function checkHints(hints: unknown, where = 'hints'): ColourHint[] {
  if (!Array.isArray(hints)) throw new HintError(`${where} must be a list of {x, y, radius, rgb: [r, g, b]}`);
  if (hints.length > 10_000) throw new HintError(`${where}: ${hints.length} hints is too many (at most 10000)`);
  hints.forEach((h, i) => {
    const ok = typeof h === 'object' && h !== null
      && [h.x, h.y, h.radius].every((v) => typeof v === 'number' && Number.isFinite(v))
      && h.radius > 0
      && Array.isArray(h.rgb) && h.rgb.length === 3 && h.rgb.every((v: unknown) => typeof v === 'number' && v >= 0 && v <= 255);
    if (!ok) throw new HintError(`${where}[${i}] is not {x, y, radius > 0, rgb: [r, g, b] with 0–255}: ${JSON.stringify(h)}`);
  });
  return hints as ColourHint[];
}

/**
 * The hint channels for a size×size model input, HWC with HINT_CHANNELS per
 * pixel: r, g, b in [-1, 1] under a dab (later dabs cover earlier ones), 0
 * elsewhere, and the mask (1 under a dab).
 */
export function renderHintChannels(hints: readonly ColourHint[], size: number): Float32Array {
  const out = new Float32Array(size * size * HINT_CHANNELS);
  for (const h of hints) {
    const r2 = h.radius * h.radius;
    const x0 = Math.max(0, Math.floor(h.x - h.radius)), x1 = Math.min(size - 1, Math.ceil(h.x + h.radius));
    const y0 = Math.max(0, Math.floor(h.y - h.radius)), y1 = Math.min(size - 1, Math.ceil(h.y + h.radius));
    const [r, g, b] = h.rgb.map(byteToModel);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        // Pixel centres at +0.5, as a canvas draws a disc.
        const dx = x + 0.5 - h.x, dy = y + 0.5 - h.y;
        if (dx * dx + dy * dy > r2) continue;
        const o = (y * size + x) * HINT_CHANNELS;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = 1;
      }
    }
  }
  return out;
}

/** Interleaves an edge image (HWC, `edgeChannels`) with hint channels into one generator input (HWC). */
export function withHintChannels(edges: Float32Array, hintChannels: Float32Array, size: number, edgeChannels = 3): Float32Array {
  const c = edgeChannels + HINT_CHANNELS;
  const out = new Float32Array(size * size * c);
  for (let p = 0; p < size * size; p++) {
    for (let k = 0; k < edgeChannels; k++) out[p * c + k] = edges[p * edgeChannels + k];
    for (let k = 0; k < HINT_CHANNELS; k++) out[p * c + edgeChannels + k] = hintChannels[p * HINT_CHANNELS + k];
  }
  return out;
}

/** Mean colour (0–255) of a photo (HWC, 3 channels, [-1, 1]) in a disc. */
function discColour(photo: Float32Array, size: number, cx: number, cy: number, radius: number): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  const r = Math.max(1, radius);
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(size - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(size - 1, Math.ceil(cx + r)); x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) continue;
      const o = (y * size + x) * 3;
      for (let k = 0; k < 3; k++) sum[k] += photo[o + k];
      n++;
    }
  }
  if (n === 0) {
    const o = (Math.min(size - 1, Math.floor(cy)) * size + Math.min(size - 1, Math.floor(cx))) * 3;
    return [0, 1, 2].map((k) => modelToByte(photo[o + k])) as [number, number, number];
  }
  return sum.map((v) => modelToByte(v / n)) as [number, number, number];
}

/**
 * `count` hints taken from a target photo (HWC, 3 channels, [-1, 1]): dabs
 * (and some short strokes of dabs) on the object, not the white background,
 * each with the photo's mean colour under it. Deterministic for an Rng state.
 */
export function sampleHints(photo: Float32Array, size: number, count: number, rng: Rng): ColourHint[] {
  const level = BACKGROUND_LEVEL * 2 - 1;
  const object: number[] = [];
  for (let p = 0; p < size * size; p++) {
    const o = p * 3;
    if (!(photo[o] > level && photo[o + 1] > level && photo[o + 2] > level)) object.push(p);
  }
  const hints: ColourHint[] = [];
  const pick = () => {
    const p = object.length ? object[Math.floor(rng.next() * object.length)] : Math.floor(rng.next() * size * size);
    return { x: (p % size) + 0.5, y: Math.floor(p / size) + 0.5 };
  };
  const [rMin, rMax] = HINT_RADIUS_RANGE;
  for (let i = 0; i < count; i++) {
    const radius = size * (rMin + rng.next() * (rMax - rMin));
    const start = pick();
    const dabs = rng.next() < STROKE_SHARE ? 3 + Math.floor(rng.next() * 3) : 1;
    const angle = rng.next() * Math.PI * 2;
    for (let d = 0; d < dabs; d++) {
      const x = Math.min(size - 0.5, Math.max(0.5, start.x + Math.cos(angle) * radius * d));
      const y = Math.min(size - 0.5, Math.max(0.5, start.y + Math.sin(angle) * radius * d));
      hints.push({ x, y, radius, rgb: discColour(photo, size, x, y, radius) });
    }
  }
  return hints;
}

/**
 * How a drawing was placed in the model input (normalizeDoodle's framing, or
 * a letterbox), in continuous pixel coordinates: model = (drawing − c) · scale + o.
 */
export interface Framing {
  cx: number;
  cy: number;
  scale: number;
  ox: number;
  oy: number;
}

/** The letterbox placement of a w×h drawing in a size×size input (scaled to fit, centred). */
export function letterboxFraming(w: number, h: number, size: number): Framing {
  const scale = size / Math.max(w, h);
  return { cx: w / 2, cy: h / 2, scale, ox: size / 2, oy: size / 2 };
}

/** Dabs in drawing pixels → model pixels (the photo's frame), placed as the drawing was. */
export function placeDabs(hints: readonly ColourHint[], framing: Framing): ColourHint[] {
  return hints.map((h) => ({
    x: (h.x - framing.cx) * framing.scale + framing.ox,
    y: (h.y - framing.cy) * framing.scale + framing.oy,
    radius: h.radius * framing.scale,
    rgb: h.rgb,
  }));
}

/** Hints in drawing pixels → model pixels, radii clamped to the trained range so a fat brush or a tiny drawing still reads as a dab. */
export function frameHints(hints: readonly ColourHint[], framing: Framing, size: number): ColourHint[] {
  const [rMin, rMax] = HINT_RADIUS_RANGE;
  return placeDabs(hints, framing).map((h) => ({ ...h, radius: Math.min(size * rMax, Math.max(size * rMin, h.radius)) }));
}

/** An edge image (HWC, 3 channels, [-1, 1]) with the hint dabs painted over it, for sample grids and galleries. */
export function paintHints(edges: Float32Array, hintChannels: Float32Array, size: number): Float32Array {
  const out = Float32Array.from(edges);
  for (let p = 0; p < size * size; p++) {
    if (hintChannels[p * HINT_CHANNELS + 3] < 0.5) continue;
    for (let k = 0; k < 3; k++) out[p * 3 + k] = hintChannels[p * HINT_CHANNELS + k];
  }
  return out;
}
