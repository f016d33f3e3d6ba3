/**
 * pix2pix augmentation: resize to loadSize (done at decode), random crop to
 * size, random horizontal flip — the same parameters applied to both sides.
 */
import type { Rng } from '../../shared/random';
import { bytesToModel } from '../../shared/image';

export interface CropParams {
  x: number;
  y: number;
  flip: boolean;
}

/** Draws crop offsets (uniform in [0, loadSize − size]) and a flip (p = 0.5 when allowed), in that order. */
export function pickCrop(rng: Rng, loadSize: number, size: number, allowFlip: boolean): CropParams {
  const x = rng.int(0, loadSize - size);
  const y = rng.int(0, loadSize - size);
  const flip = allowFlip ? rng.chance(0.5) : false;
  return { x, y, flip };
}

/** Crops a size×size window from a square image of side `src` with `channels` interleaved channels, optionally mirrored. */
export function cropFlip<T extends Uint8Array | Float32Array>(img: T, src: number, channels: number, size: number, p: CropParams): T {
  const out = new (img.constructor as new (n: number) => T)(size * size * channels);
  for (let y = 0; y < size; y++) {
    const srcRow = (p.y + y) * src;
    for (let x = 0; x < size; x++) {
      const sx = p.x + (p.flip ? size - 1 - x : x);
      const si = (srcRow + sx) * channels;
      const di = (y * size + x) * channels;
      for (let c = 0; c < channels; c++) out[di + c] = img[si + c];
    }
  }
  return out;
}

/** 8-bit RGB → Float32 in [-1, 1]. */
export const toSigned = (rgb: Uint8Array): Float32Array => bytesToModel(rgb);

/** A 32-bit seed derived from a base seed and an index (murmur3 finaliser), for per-sample deterministic randomness. */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ (index >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Reference side for stroke widths: players draw on a 256-px canvas with 1–4 px strokes. */
const STROKE_REFERENCE_SIDE = 256;
const MAX_STROKE_WIDTH = 4;

/** Stroke width range for samples of side `size` (1–4 px at 256, scaled down for smaller models). */
export function strokeWidthsFor(size: number): { minWidth: number; maxWidth: number } {
  return { minWidth: 1, maxWidth: Math.max(1, Math.min(MAX_STROKE_WIDTH, Math.round((MAX_STROKE_WIDTH * size) / STROKE_REFERENCE_SIDE))) };
}
