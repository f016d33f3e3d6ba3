/**
 * How well a photo took a colour (the colour tool's measure, issue 26): the share of the object's
 * pixels of the dab's hue — HSV hue within HUE_TOLERANCE degrees of the dab's and saturation at
 * least MIN_SATURATION — and how much of the photo's lightness structure survived: the Pearson
 * correlation of OKLab lightness before and after over the coloured pixels. Used by the unit and
 * browser tests and by scripts/colour-share.ts. Pure: no DOM, no Node.
 */
import { rgbToOklab } from './oklab';

export const HUE_TOLERANCE = 25;
export const MIN_SATURATION = 0.25;
/** The lightness structure counts as kept at this correlation or above (Quick Draw shoes, bags, cats: ≥ 0.98). */
export const MIN_L_CORRELATION = 0.9;

type Pixels = Uint8Array | Uint8ClampedArray;

/** HSV hue (degrees) and saturation of an sRGB byte triple. */
export function hsv(r: number, g: number, b: number): { hue: number; sat: number } {
  const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
  let hue = 0;
  if (d) hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (hue * 60 + 360) % 360, sat: max ? d / max : 0 };
}

/** Shortest angle between two hues, in degrees. */
export const hueDistance = (a: number, b: number): number => Math.abs(((a - b + 540) % 360) - 180);

/** Whether an sRGB pixel counts as the colour `rgb` (hue within the tolerance, saturated enough). */
export function isHueOf(r: number, g: number, b: number, rgb: readonly number[]): boolean {
  const p = hsv(r, g, b);
  return p.sat >= MIN_SATURATION && hueDistance(p.hue, hsv(rgb[0], rgb[1], rgb[2]).hue) <= HUE_TOLERANCE;
}

/** Share of the pixels where `mask` is set that are the colour `rgb`; `channels` 3 or 4. */
export function hueShare(pixels: Pixels, channels: number, mask: Uint8Array, rgb: readonly number[]): number {
  let n = 0, hit = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    const p = i * channels;
    if (isHueOf(pixels[p], pixels[p + 1], pixels[p + 2], rgb)) hit++;
  }
  return n ? hit / n : 0;
}

/** Pearson correlation of OKLab L between two images over the pixels where `mask` is set (1 when either is flat). */
export function lightnessCorrelation(before: Pixels, after: Pixels, channels: number, mask: Uint8Array): number {
  const v = [0, 0, 0];
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const p = i * channels;
    rgbToOklab(before[p], before[p + 1], before[p + 2], v);
    const a = v[0];
    rgbToOklab(after[p], after[p + 1], after[p + 2], v);
    const b = v[0];
    n++; sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
  }
  if (n < 2) return 1;
  const va = saa - (sa * sa) / n, vb = sbb - (sb * sb) / n;
  return va > 1e-12 && vb > 1e-12 ? (sab - (sa * sb) / n) / Math.sqrt(va * vb) : 1;
}

/** Pixels that differ between two images outside `mask` (the background must stay as it was). */
export function changedOutside(before: Pixels, after: Pixels, channels: number, mask: Uint8Array): number {
  let changed = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) continue;
    const p = i * channels;
    if (before[p] !== after[p] || before[p + 1] !== after[p + 1] || before[p + 2] !== after[p + 2]) changed++;
  }
  return changed;
}
