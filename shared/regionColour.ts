/**
 * The colour tool: a dab recolours the part of the photo it is in, after the
 * generator, so it works on every theme and survives retraining.
 *
 * Which pixels: the part under the dab (shared/photoParts: a doodle region
 * intersected with the photo's object) and the parts that take their colour
 * from it while they have no dab of their own (a dab in the shoe colours the
 * whole shoe, sole included; a later dab in the sole recolours the sole). A dab
 * on the background colours nothing. Two dabs in one part: the last one wins,
 * as paint over paint.
 *
 * How: in OKLab, each pixel becomes the dab's colour shaded as the photo was
 * shaded there. Lightness keeps the photo's structure (L' = Lt + k·(L − mean),
 * a linear map of the coloured pixels' lightness, so shading, texture and seams
 * stay) with the mean moved LIGHTNESS_MATCH of the way to the dab's lightness
 * (so a white or a black shoe is possible) and k shrunk only as far as the
 * range must to fit; chroma is the dab's, scaled with lightness as a dye under
 * light is, and kept inside the sRGB gamut at the dab's hue. The darkest lines
 * keep their darkness, and specular highlights their lightness and colour. The
 * edge is feathered over FEATHER_SHARE of the side, normalised by the object,
 * so parts meeting at a stroke share it seamlessly and the object's own outline
 * is not washed out; background pixels are never changed.
 *
 * Cost: `new RegionColourer` once per photo (OKLab of every pixel, the parts);
 * a coloured group's weights and statistics on the first render that needs
 * them; every render after that is one pass over the coloured pixels.
 * Pure: no DOM, no Node, no tfjs.
 */
import type { ColourHint } from './colourHints';
import type { DoodleRegions } from './doodleRegions';
import { linearToByte, maxChroma, oklabToLinear, rgbToOklab } from './oklab';
import { type PhotoParts, photoParts, type PhotoPartsOptions } from './photoParts';

/** The feather: a box of ±(this share of the side) pixels (3 px at 256, 2 at 128). */
export const FEATHER_SHARE = 0.012;
/** How far a region's mean lightness moves towards the dab's (0 keeps the photo's, 1 takes the dab's). */
export const LIGHTNESS_MATCH = 0.7;
/** The recoloured lightness range is kept within these bounds by shrinking its contrast (never below MIN_CONTRAST). */
const L_FLOOR = 0.04, L_CEIL = 0.97, MIN_CONTRAST = 0.35;
/** Lightness spread below which a region counts as flat (so a tiny σ does not make every pixel a line or a highlight). */
const MIN_SPREAD = 0.05;
/** Darkest lines: darker than the mean by 2.5 spreads (fully kept) … 1.5 (not kept). Highlights: lighter by 1.5 … 2.5, and L above 0.65 … 0.8. */
const DARK_FROM = 2.5, DARK_TO = 1.5, SPEC_FROM = 1.5, SPEC_TO = 2.5, SPEC_L_FROM = 0.65, SPEC_L_TO = 0.8;
/** Lightness steps of the per-colour gamut table. */
const GAMUT_STEPS = 64;

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** What a group of parts coloured together needs per render, computed on its first. */
interface GroupCache {
  /** Pixel indices the group touches (its feathered extent on the object). */
  pixels: Int32Array;
  /** Per listed pixel: feather weight 0..1, how much of its darkness and of its highlight to keep. */
  weight: Float32Array;
  dark: Float32Array;
  spec: Float32Array;
  meanL: number;
  /** Lightness at the 2nd and 98th percentile of the group's pixels. */
  lowL: number;
  highL: number;
}

/** The dab colour in OKLab with its gamut table: the most chroma per unit lightness at each L step. */
interface DabColour {
  L: number;
  C: number;
  cosH: number;
  sinH: number;
  /** maxC[i]: the largest in-gamut chroma at L = i / GAMUT_STEPS and the dab's hue. */
  maxC: Float32Array;
}

export interface RegionColourOptions extends PhotoPartsOptions {
  /** Overrides FEATHER_SHARE · side (pixels). */
  featherPx?: number;
}

export class RegionColourer {
  readonly width: number;
  readonly height: number;
  /** The photo's parts, object and parents (shared/photoParts). */
  readonly parts: PhotoParts;
  private readonly photo: Uint8Array | Uint8ClampedArray;
  private readonly channels: number;
  private readonly lab: Float32Array;
  private readonly feather: number;
  private readonly objectSums: Int32Array;
  private readonly groups = new Map<string, GroupCache>();
  private readonly colours = new Map<string, DabColour>();
  private readonly acc: Float32Array;
  private readonly touched: Uint8Array;

  /** `photo`: RGB or RGBA bytes (3 or 4 channels), the size of `regions` (the doodle's regions in the photo's frame). */
  constructor(photo: Uint8Array | Uint8ClampedArray, channels: 3 | 4, regions: DoodleRegions, options: RegionColourOptions = {}) {
    const w = regions.width, h = regions.height, n = w * h;
    if (photo.length !== n * channels) throw new Error(`RegionColourer: the photo holds ${photo.length} values, not ${w}×${h}×${channels}`);
    this.width = w;
    this.height = h;
    this.photo = photo;
    this.channels = channels;
    this.feather = Math.max(1, Math.round(options.featherPx ?? FEATHER_SHARE * Math.max(w, h)));
    this.lab = new Float32Array(n * 3);
    for (let i = 0, p = 0; i < n; i++, p += channels) rgbToOklab(photo[p], photo[p + 1], photo[p + 2], this.lab, i * 3);
    this.parts = photoParts(this.lab, regions, options);
    // Summed-area table of the object, (w + 1) × (h + 1): the feather's denominator for every group.
    const W = w + 1;
    this.objectSums = new Int32Array(W * (h + 1));
    for (let y = 0; y < h; y++) {
      let row = 0;
      for (let x = 0; x < w; x++) {
        row += this.parts.object[y * w + x];
        this.objectSums[(y + 1) * W + x + 1] = this.objectSums[y * W + x + 1] + row;
      }
    }
    this.acc = new Float32Array(n * 3);
    this.touched = new Uint8Array(n);
  }

  /** 1 where the photo shows the object (not the background). */
  get object(): Uint8Array {
    return this.parts.object;
  }

  /**
   * The part a dab lands in, or 0 for none: the part under its centre, else the part most of
   * its disc covers (a dab put on the outline from outside still means that thing).
   */
  partAt(dab: Pick<ColourHint, 'x' | 'y' | 'radius'>): number {
    const { width: w, height: h } = this;
    const parts = this.parts.parts;
    const cx = Math.floor(dab.x), cy = Math.floor(dab.y);
    if (cx >= 0 && cx < w && cy >= 0 && cy < h && parts[cy * w + cx]) return parts[cy * w + cx];
    const votes = new Map<number, number>();
    const r = Math.max(0.5, dab.radius);
    for (let y = Math.max(0, Math.floor(dab.y - r)); y <= Math.min(h - 1, Math.ceil(dab.y + r)); y++) {
      for (let x = Math.max(0, Math.floor(dab.x - r)); x <= Math.min(w - 1, Math.ceil(dab.x + r)); x++) {
        if ((x + 0.5 - dab.x) ** 2 + (y + 0.5 - dab.y) ** 2 > r * r) continue;
        const part = parts[y * w + x];
        if (part) votes.set(part, (votes.get(part) ?? 0) + 1);
      }
    }
    let best = 0, most = 0;
    for (const [part, v] of votes) if (v > most) [best, most] = [part, v];
    return best;
  }

  /**
   * The coloured groups for a list of dabs: for each part with a dab (the last dab in it
   * wins), its colour and the parts that take it (itself and, down the parent links, every
   * part without a dab of its own).
   */
  groupsOf(dabs: readonly ColourHint[]): { rgb: ColourHint['rgb']; parts: number[] }[] {
    const own = new Map<number, ColourHint['rgb']>();
    for (const dab of dabs) {
      const part = this.partAt(dab);
      if (part) own.set(part, dab.rgb);
    }
    if (!own.size) return [];
    const { parent, count } = this.parts;
    // source[p]: the dabbed part p takes its colour from (0: none), following parent links.
    const source = new Int32Array(count + 1).fill(-1);
    const resolve = (p: number): number => {
      if (source[p] >= 0) return source[p];
      source[p] = 0; // guards the walk (parents never cycle)
      return (source[p] = own.has(p) ? p : parent[p] ? resolve(parent[p]) : 0);
    };
    const members = new Map<number, number[]>();
    for (let p = 1; p <= count; p++) {
      const s = resolve(p);
      if (s) (members.get(s) ?? members.set(s, []).get(s)!).push(p);
    }
    return [...members].map(([s, parts]) => ({ rgb: own.get(s)!, parts }));
  }

  /**
   * Computes ahead what a first dab needs (each part with no parent, with every part hanging on
   * it), so that dab costs one pass: the live canvas calls this while the player has not yet dabbed.
   */
  warm(): void {
    const { parent, count } = this.parts;
    const below = new Map<number, number[]>();
    const rootOf = (p: number): number => (parent[p] ? rootOf(parent[p]) : p);
    for (let p = 1; p <= count; p++) {
      const r = rootOf(p);
      (below.get(r) ?? below.set(r, []).get(r)!).push(p);
    }
    for (const members of below.values()) this.group(members);
  }

  /**
   * The photo with every dabbed part recoloured, in the photo's layout (RGB or RGBA).
   * `out` (same length as the photo) is reused when given.
   */
  render(dabs: readonly ColourHint[], out?: Uint8ClampedArray): Uint8ClampedArray {
    const result = out ?? new Uint8ClampedArray(this.photo.length);
    result.set(this.photo);
    const { lab, acc, touched } = this;
    const lists: Int32Array[] = [];
    for (const { rgb, parts } of this.groupsOf(dabs)) {
      const group = this.group(parts);
      this.addGroup(group, this.colour(rgb));
      lists.push(group.pixels);
    }
    const linear = [0, 0, 0];
    const ch = this.channels;
    for (const pixels of lists) {
      for (let k = 0; k < pixels.length; k++) {
        const i = pixels[k];
        if (!touched[i]) continue;
        touched[i] = 0;
        const o = i * 3;
        oklabToLinear(lab[o] + acc[o], lab[o + 1] + acc[o + 1], lab[o + 2] + acc[o + 2], linear);
        acc[o] = acc[o + 1] = acc[o + 2] = 0;
        const p = i * ch;
        result[p] = linearToByte(linear[0]);
        result[p + 1] = linearToByte(linear[1]);
        result[p + 2] = linearToByte(linear[2]);
      }
    }
    return result;
  }

  /** A 0/1 mask of what a dab at `dab` would colour, given the dabs already there (to highlight it under the pointer). */
  maskAt(dab: Pick<ColourHint, 'x' | 'y' | 'radius'>, dabs: readonly ColourHint[] = []): Uint8Array {
    const mask = new Uint8Array(this.width * this.height);
    const part = this.partAt(dab);
    if (!part) return mask;
    const probe: ColourHint = { ...dab, rgb: [0, 0, 0] };
    const group = this.groupsOf([...dabs, probe]).find((g) => g.parts.includes(part));
    const { start, pixels } = this.parts;
    for (const p of group?.parts ?? []) for (let k = start[p]; k < start[p + 1]; k++) mask[pixels[k]] = 1;
    return mask;
  }

  /** Adds one group's recolouring (its weighted change in OKLab) to the accumulator. */
  private addGroup(group: GroupCache, colour: DabColour): void {
    const { lab, acc, touched } = this;
    const { meanL, lowL, highL } = group;
    const target = meanL + LIGHTNESS_MATCH * (colour.L - meanL);
    // The largest contrast (≤ 1) that keeps the 2nd–98th percentile inside [L_FLOOR, L_CEIL].
    let contrast = 1;
    if (highL > meanL) contrast = Math.min(contrast, (L_CEIL - target) / (highL - meanL));
    if (lowL < meanL) contrast = Math.min(contrast, (target - L_FLOOR) / (meanL - lowL));
    contrast = Math.max(MIN_CONTRAST, contrast);
    const chromaPerL = colour.L > 0 ? colour.C / colour.L : 0;
    const { cosH, sinH, maxC } = colour;
    const { pixels, weight, dark, spec } = group;
    for (let k = 0; k < pixels.length; k++) {
      const i = pixels[k], o = i * 3;
      const L = lab[o];
      let L1 = target + contrast * (L - meanL);
      if (L1 > L) L1 -= dark[k] * (L1 - L); // the darkest lines stay as dark as they were
      else L1 += spec[k] * (L - L1); // highlights stay as light
      L1 = Math.min(1, Math.max(0, L1));
      const t = L1 * GAMUT_STEPS, s = Math.min(GAMUT_STEPS - 1, Math.floor(t));
      const gamut = maxC[s] + (maxC[s + 1] - maxC[s]) * (t - s);
      const C = Math.min(chromaPerL * L1, gamut);
      let a = C * cosH, b = C * sinH;
      const keep = spec[k];
      if (keep > 0) {
        a += keep * (lab[o + 1] - a);
        b += keep * (lab[o + 2] - b);
      }
      const wt = weight[k];
      acc[o] += wt * (L1 - L);
      acc[o + 1] += wt * (a - lab[o + 1]);
      acc[o + 2] += wt * (b - lab[o + 2]);
      touched[i] = 1;
    }
  }

  private colour(rgb: ColourHint['rgb']): DabColour {
    const key = rgb.join(',');
    let c = this.colours.get(key);
    if (!c) {
      const v = [0, 0, 0];
      rgbToOklab(Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2]), v);
      const C = Math.hypot(v[1], v[2]);
      const cosH = C > 0 ? v[1] / C : 1, sinH = C > 0 ? v[2] / C : 0;
      const maxC = new Float32Array(GAMUT_STEPS + 1);
      for (let i = 0; i <= GAMUT_STEPS; i++) maxC[i] = maxChroma(i / GAMUT_STEPS, cosH, sinH);
      c = { L: v[0], C, cosH, sinH, maxC };
      this.colours.set(key, c);
    }
    return c;
  }

  /** A group's pixels, feather weights and lightness statistics (computed once per photo and group). */
  private group(members: number[]): GroupCache {
    const key = members.join(',');
    const cached = this.groups.get(key);
    if (cached) return cached;
    const { width: w, height: h, lab, feather: f } = this;
    const { parts, object, start, pixels: partPixels, box } = this.parts;
    const inGroup = new Uint8Array(this.parts.count + 1);
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    let count = 0, sum = 0, sum2 = 0;
    const histogram = new Uint32Array(256);
    for (const p of members) {
      inGroup[p] = 1;
      if (start[p + 1] === start[p]) continue;
      x0 = Math.min(x0, box.x0[p]); y0 = Math.min(y0, box.y0[p]);
      x1 = Math.max(x1, box.x1[p]); y1 = Math.max(y1, box.y1[p]);
      for (let k = start[p]; k < start[p + 1]; k++) {
        const L = lab[partPixels[k] * 3];
        count++;
        sum += L;
        sum2 += L * L;
        histogram[Math.min(255, Math.max(0, Math.floor(L * 256)))]++;
      }
    }
    const meanL = count ? sum / count : 0;
    const spread = Math.max(MIN_SPREAD, Math.sqrt(Math.max(0, sum2 / Math.max(1, count) - meanL * meanL)));
    const percentile = (q: number) => {
      let seen = 0;
      for (let b = 0; b < 256; b++) {
        seen += histogram[b];
        if (seen >= q * count) return (b + 0.5) / 256;
      }
      return 1;
    };
    let list = new Int32Array(0), weight = new Float32Array(0), dark = new Float32Array(0), spec = new Float32Array(0);
    if (count) {
      x0 = Math.max(0, x0 - f); y0 = Math.max(0, y0 - f);
      x1 = Math.min(w - 1, x1 + f); y1 = Math.min(h - 1, y1 + f);
      // A summed-area table of the group's pixels over its box: a pixel's weight is the share
      // of the object around it (this.objectSums) that belongs to the group.
      const bw = x1 - x0 + 1, bh = y1 - y0 + 1, sw = bw + 1;
      const mine = new Int32Array(sw * (bh + 1));
      for (let y = 0; y < bh; y++) {
        let row = 0;
        for (let x = 0, i = (y + y0) * w + x0; x < bw; x++, i++) {
          if (inGroup[parts[i]]) row++;
          const s = (y + 1) * sw + x + 1;
          mine[s] = mine[s - sw] + row;
        }
      }
      const all = this.objectSums, W = w + 1;
      list = new Int32Array(bw * bh);
      weight = new Float32Array(bw * bh);
      dark = new Float32Array(bw * bh);
      spec = new Float32Array(bw * bh);
      let k = 0;
      const darkFrom = meanL - DARK_FROM * spread, darkTo = meanL - DARK_TO * spread;
      const specFrom = meanL + SPEC_FROM * spread, specTo = meanL + SPEC_TO * spread;
      for (let y = 0; y < bh; y++) {
        const ay = Math.max(0, y - f), by = Math.min(bh - 1, y + f);
        for (let x = 0; x < bw; x++) {
          const i = (y + y0) * w + x + x0;
          if (!object[i]) continue;
          const ax = Math.max(0, x - f), bx = Math.min(bw - 1, x + f);
          const m = mine[(by + 1) * sw + bx + 1] - mine[ay * sw + bx + 1] - mine[(by + 1) * sw + ax] + mine[ay * sw + ax];
          if (!m) continue;
          const gx0 = ax + x0, gy0 = ay + y0, gx1 = bx + x0 + 1, gy1 = by + y0 + 1;
          const around = all[gy1 * W + gx1] - all[gy0 * W + gx1] - all[gy1 * W + gx0] + all[gy0 * W + gx0];
          const L = lab[i * 3];
          list[k] = i;
          weight[k] = m / around;
          dark[k] = 1 - smoothstep(darkFrom, darkTo, L);
          spec[k] = smoothstep(specFrom, specTo, L) * smoothstep(SPEC_L_FROM, SPEC_L_TO, L);
          k++;
        }
      }
      list = list.slice(0, k);
      weight = weight.slice(0, k);
      dark = dark.slice(0, k);
      spec = spec.slice(0, k);
    }
    const group: GroupCache = { pixels: list, weight, dark, spec, meanL, lowL: percentile(0.02), highL: percentile(0.98) };
    this.groups.set(key, group);
    return group;
  }
}
