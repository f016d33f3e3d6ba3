/**
 * sRGB ↔ OKLab (Björn Ottosson, 2020), the perceptual space the colour tool
 * recolours in: L is perceived lightness (0 black, 1 white), a/b the
 * opponent axes, chroma √(a² + b²), hue atan2(b, a). Unlike CIELAB, blue
 * stays blue as it darkens, so "this shoe, blue" can keep the photo's shading.
 * Pure arithmetic on numbers; the byte → linear step is a table, the
 * linear → byte step a finer one, since the region recolour runs these per
 * pixel on every dab.
 */

/** sRGB byte → linear light, for each of the 256 values. */
const BYTE_TO_LINEAR = new Float32Array(256);
for (let v = 0; v < 256; v++) {
  const c = v / 255;
  BYTE_TO_LINEAR[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Linear light [0, 1] → sRGB byte, sampled this finely (4096 steps keep dark shades from banding). */
const LINEAR_STEPS = 4096;
const LINEAR_TO_BYTE = new Uint8Array(LINEAR_STEPS + 1);
for (let i = 0; i <= LINEAR_STEPS; i++) {
  const c = i / LINEAR_STEPS;
  LINEAR_TO_BYTE[i] = Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
}

export const byteToLinear = (v: number): number => BYTE_TO_LINEAR[v];

/** Linear light → sRGB byte, clipped to [0, 255]. */
export function linearToByte(c: number): number {
  return LINEAR_TO_BYTE[c <= 0 ? 0 : c >= 1 ? LINEAR_STEPS : Math.round(c * LINEAR_STEPS)];
}

/** Writes the OKLab of sRGB bytes (r, g, b) into out[o], out[o + 1], out[o + 2]. */
export function rgbToOklab(r: number, g: number, b: number, out: Float32Array | number[], o = 0): void {
  const lr = BYTE_TO_LINEAR[r], lg = BYTE_TO_LINEAR[g], lb = BYTE_TO_LINEAR[b];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  out[o] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[o + 1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[o + 2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
}

/** OKLab → linear sRGB, unclipped (a component outside [0, 1] means out of gamut), into out[0..2]. */
export function oklabToLinear(L: number, a: number, b: number, out: Float32Array | number[]): void {
  const l_ = L + 0.3963377774 * a + 0.2158037573 * b;
  const m_ = L - 0.1055613458 * a - 0.0638541728 * b;
  const s_ = L - 0.0894841775 * a - 1.291485548 * b;
  const l = l_ * l_ * l_, m = m_ * m_ * m_, s = s_ * s_ * s_;
  out[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  out[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  out[2] = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
}

/** Whether OKLab (L, a, b) lies inside the sRGB gamut (a hair of slack for rounding). */
export function inGamut(L: number, a: number, b: number, scratch: Float32Array | number[] = [0, 0, 0]): boolean {
  oklabToLinear(L, a, b, scratch);
  const e = 1e-4;
  return scratch[0] >= -e && scratch[0] <= 1 + e && scratch[1] >= -e && scratch[1] <= 1 + e && scratch[2] >= -e && scratch[2] <= 1 + e;
}

/**
 * The largest chroma that stays in the sRGB gamut at lightness L and hue (cos h, sin h):
 * bisection, since the gamut is convex along a constant-hue ray from the gray axis.
 */
export function maxChroma(L: number, cosH: number, sinH: number): number {
  if (L <= 0 || L >= 1) return 0;
  const scratch = [0, 0, 0];
  let lo = 0, hi = 0.5;
  for (let i = 0; i < 16; i++) {
    const c = (lo + hi) / 2;
    if (inGamut(L, c * cosH, c * sinH, scratch)) lo = c;
    else hi = c;
  }
  return lo;
}
