import { describe, expect, it } from 'vitest';
import { findRegions } from './doodleRegions';
import { RegionColourer } from './regionColour';
import { changedOutside, hueShare, lightnessCorrelation, MIN_L_CORRELATION } from './colourMeasure';
import { rgbToOklab } from './oklab';
import { closed, drawInk, insidePolygon, objectPhoto, type Point } from '../testkit/colourFixtures';

const S = 256;
const BLUE: [number, number, number] = [40, 90, 210];
const GREEN: [number, number, number] = [50, 150, 70];
const RED: [number, number, number] = [214, 40, 40];
const WHITE: [number, number, number] = [248, 248, 245];
const BLACK: [number, number, number] = [25, 25, 25];

/** A shoe from the side with a sole drawn as its own closed part; the photo: a brown upper and a dark sole. */
const SHOE: Point[] = [[40, 90], [110, 90], [120, 140], [220, 150], [225, 190], [40, 190]];
const SOLE_Y = 172;
const ink = drawInk(S, S, [closed(SHOE), [[40, SOLE_Y], [225, SOLE_Y]]]);
const regions = findRegions(ink, S, S);
const photo = objectPhoto(S, S, (x, y) => insidePolygon(SHOE, x, y), {
  seamY: 130,
  spot: [80, 115],
  colourAt: (_x, y) => (y > SOLE_Y ? [70, 55, 45] : null),
});
const dab = (x: number, y: number, rgb: [number, number, number]) => ({ x, y, radius: 4, rgb });
const UPPER_DAB: [number, number] = [80, 150], SOLE_DAB: [number, number] = [130, 182];
/** The object's pixels at least `margin` px from the upper/sole line, above it or below it. */
const side = (below: boolean, margin = 5) => Uint8Array.from(photo.object, (o, i) => {
  const y = Math.floor(i / S);
  return o && (below ? y > SOLE_Y + margin : y < SOLE_Y - margin) ? 1 : 0;
});
const L = (rgb: ArrayLike<number>, i: number, channels = 3) => {
  const v = [0, 0, 0];
  rgbToOklab(rgb[i * channels], rgb[i * channels + 1], rgb[i * channels + 2], v);
  return v[0];
};
/** Byte-for-byte equality (vitest's deep equality is slow on 200k-element arrays). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
const meanL = (rgb: ArrayLike<number>, mask: Uint8Array) => {
  let s = 0, n = 0;
  mask.forEach((m, i) => { if (m) { s += L(rgb, i); n++; } });
  return s / n;
};

describe('RegionColourer: one dab colours the thing', () => {
  const colourer = new RegionColourer(photo.rgb, 3, regions);

  it('finds the object: the shoe, not the paper', () => {
    let agree = 0;
    for (let i = 0; i < S * S; i++) if (colourer.object[i] === photo.object[i]) agree++;
    expect(agree / (S * S)).toBeGreaterThan(0.995);
  });

  for (const [name, rgb] of [['blue', BLUE], ['green', GREEN]] as const) {
    it(`a ${name} dab in the upper makes ≥ 70 % of the shoe ${name}, keeps its lightness structure and the paper white`, () => {
      const out = colourer.render([dab(...UPPER_DAB, rgb)]);
      expect(hueShare(out, 3, photo.object, rgb)).toBeGreaterThanOrEqual(0.9);
      expect(lightnessCorrelation(photo.rgb, out, 3, photo.object)).toBeGreaterThanOrEqual(MIN_L_CORRELATION);
      expect(changedOutside(photo.rgb, out, 3, photo.object)).toBe(0);
    });
  }

  it('keeps the darkest lines dark under a white dab, and highlights light under a black one', () => {
    const white = colourer.render([dab(...UPPER_DAB, WHITE)]);
    const upper = side(false);
    expect(meanL(white, upper)).toBeGreaterThan(meanL(photo.rgb, upper) + 0.2); // a white shoe is possible
    expect(meanL(white, photo.seam)).toBeLessThan(meanL(photo.rgb, photo.seam) + 0.05);
    const black = colourer.render([dab(...UPPER_DAB, BLACK)]);
    expect(meanL(black, upper)).toBeLessThan(meanL(photo.rgb, upper) - 0.1);
    expect(meanL(black, photo.highlight)).toBeGreaterThan(meanL(photo.rgb, photo.highlight) - 0.03);
  });

  it('a dab in the sole colours the sole only; the upper and the sole take a colour each', () => {
    const sole = colourer.render([dab(...SOLE_DAB, GREEN)]);
    expect(hueShare(sole, 3, side(true), GREEN)).toBeGreaterThanOrEqual(0.9);
    expect(changedOutside(photo.rgb, sole, 3, Uint8Array.from(photo.object, (o, i) => (o && Math.floor(i / S) > SOLE_Y - 6 ? 1 : 0)))).toBe(0);
    const both = colourer.render([dab(...UPPER_DAB, BLUE), dab(...SOLE_DAB, GREEN)]);
    expect(hueShare(both, 3, side(false), BLUE)).toBeGreaterThanOrEqual(0.9);
    expect(hueShare(both, 3, side(true), GREEN)).toBeGreaterThanOrEqual(0.9);
    // The order of dabs in different parts does not matter.
    expect(same(colourer.render([dab(...SOLE_DAB, GREEN), dab(...UPPER_DAB, BLUE)]), both)).toBe(true);
  });

  it('two dabs in one part: the last one wins', () => {
    const out = colourer.render([dab(...UPPER_DAB, RED), dab(120, 160, BLUE)]);
    expect(hueShare(out, 3, side(false), BLUE)).toBeGreaterThanOrEqual(0.9);
    expect(same(out, colourer.render([dab(120, 160, BLUE)]))).toBe(true);
  });

  it('feathers the edge between two parts: no hard seam', () => {
    const out = colourer.render([dab(...UPPER_DAB, BLUE), dab(...SOLE_DAB, GREEN)]);
    const ab = (y: number) => {
      const v = [0, 0, 0];
      rgbToOklab(out[(y * S + 150) * 3], out[(y * S + 150) * 3 + 1], out[(y * S + 150) * 3 + 2], v);
      return [v[1], v[2]];
    };
    const dist = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1]);
    const full = dist(ab(SOLE_Y - 8), ab(SOLE_Y + 8));
    let step = 0;
    for (let y = SOLE_Y - 8; y < SOLE_Y + 8; y++) step = Math.max(step, dist(ab(y), ab(y + 1)));
    expect(full).toBeGreaterThan(0.1);
    expect(step).toBeLessThan(0.5 * full);
  });

  it('warm() prepares the first dab and changes nothing it renders', () => {
    const cold = new RegionColourer(photo.rgb, 3, regions).render([dab(...UPPER_DAB, BLUE), dab(...SOLE_DAB, GREEN)]);
    const warmed = new RegionColourer(photo.rgb, 3, regions);
    warmed.warm();
    expect(same(warmed.render([dab(...UPPER_DAB, BLUE), dab(...SOLE_DAB, GREEN)]), cold)).toBe(true);
  });

  it('a dab on the paper colours nothing; no dabs give the photo back', () => {
    expect(same(colourer.render([dab(10, 10, BLUE)]), photo.rgb)).toBe(true);
    expect(same(colourer.render([]), photo.rgb)).toBe(true);
    expect(colourer.partAt({ x: 10, y: 10, radius: 4 })).toBe(0);
  });

  it('a dab on the outline from outside still means the thing under most of it', () => {
    expect(colourer.partAt({ x: 36, y: 150, radius: 6 })).toBe(colourer.partAt({ x: 60, y: 150, radius: 1 }));
  });

  it('maskAt is what a dab would colour: the whole shoe from the upper, the sole from the sole', () => {
    const whole = colourer.maskAt({ x: UPPER_DAB[0], y: UPPER_DAB[1], radius: 4 });
    const sole = colourer.maskAt({ x: SOLE_DAB[0], y: SOLE_DAB[1], radius: 4 });
    const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
    expect(count(whole)).toBeGreaterThan(0.95 * count(photo.object));
    expect(count(sole)).toBeLessThan(0.3 * count(photo.object));
    // With the sole dabbed already, the upper's dab no longer takes the sole.
    expect(count(colourer.maskAt({ x: UPPER_DAB[0], y: UPPER_DAB[1], radius: 4 }, [dab(...SOLE_DAB, GREEN)]))).toBe(count(whole) - count(sole));
  });
});

describe('RegionColourer: other pages and layouts', () => {
  it('an open scribble: a dab on its photo colours the piece of object it is on', () => {
    const scribble = drawInk(S, S, [[[40, 200], [80, 60], [120, 200], [160, 60]]]);
    const blob = objectPhoto(S, S, (x, y) => (x - 100) ** 2 / 70 ** 2 + (y - 130) ** 2 / 60 ** 2 < 1);
    const c = new RegionColourer(blob.rgb, 3, findRegions(scribble, S, S));
    expect(c.parts.doodleParts).toBe(0);
    expect(c.partAt({ x: 100, y: 130, radius: 4 })).toBeGreaterThan(0);
    expect(hueShare(c.render([dab(100, 130, BLUE)]), 3, blob.object, BLUE)).toBeGreaterThanOrEqual(0.9);
  });

  it('an empty page and a blank photo: nothing to colour', () => {
    const blank = new Uint8Array(S * S * 3).fill(255);
    const c = new RegionColourer(blank, 3, findRegions(new Uint8Array(S * S), S, S));
    expect(c.parts.count).toBe(0);
    expect(same(c.render([dab(128, 128, BLUE)]), blank)).toBe(true);
  });

  it('RGBA photos keep their alpha and get the same colours as RGB', () => {
    const rgba = new Uint8ClampedArray(S * S * 4);
    for (let i = 0; i < S * S; i++) rgba.set([...photo.rgb.subarray(i * 3, i * 3 + 3), 200], i * 4);
    const out = new RegionColourer(rgba, 4, regions).render([dab(...UPPER_DAB, BLUE)]);
    const rgb = new RegionColourer(photo.rgb, 3, regions).render([dab(...UPPER_DAB, BLUE)]);
    for (let i = 0; i < S * S; i += 97) {
      expect(Array.from(out.subarray(i * 4, i * 4 + 4))).toEqual([...rgb.subarray(i * 3, i * 3 + 3), 200]);
    }
  });

  it('works at the 128 px of the shipped shoes and bags', () => {
    const half = (p: Point[]) => p.map(([x, y]) => [x / 2, y / 2] as Point);
    const small = findRegions(drawInk(128, 128, [closed(half(SHOE))], 2), 128, 128);
    const pic = objectPhoto(128, 128, (x, y) => insidePolygon(half(SHOE), x, y));
    const out = new RegionColourer(pic.rgb, 3, small).render([dab(40, 75, GREEN)]);
    expect(hueShare(out, 3, pic.object, GREEN)).toBeGreaterThanOrEqual(0.9);
  });

  it('rejects a photo of the wrong size', () => {
    expect(() => new RegionColourer(new Uint8Array(10), 3, regions)).toThrow(/256×256×3/);
  });
});
