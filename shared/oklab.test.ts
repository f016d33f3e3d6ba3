import { describe, expect, it } from 'vitest';
import { inGamut, linearToByte, maxChroma, oklabToLinear, rgbToOklab } from './oklab';

describe('OKLab', () => {
  it('white is L 1, black L 0, grays have no chroma', () => {
    const v = [0, 0, 0];
    rgbToOklab(255, 255, 255, v);
    expect(v[0]).toBeCloseTo(1, 3);
    expect(Math.hypot(v[1], v[2])).toBeLessThan(1e-3);
    rgbToOklab(0, 0, 0, v);
    expect(v[0]).toBeCloseTo(0, 6);
    rgbToOklab(128, 128, 128, v);
    expect(Math.hypot(v[1], v[2])).toBeLessThan(1e-3);
  });

  it('sRGB bytes survive the round trip within one step', () => {
    const v = [0, 0, 0], lin = [0, 0, 0];
    for (let r = 0; r < 256; r += 17) for (let g = 0; g < 256; g += 17) for (let b = 0; b < 256; b += 17) {
      rgbToOklab(r, g, b, v);
      oklabToLinear(v[0], v[1], v[2], lin);
      expect(Math.abs(linearToByte(lin[0]) - r) + Math.abs(linearToByte(lin[1]) - g) + Math.abs(linearToByte(lin[2]) - b)).toBeLessThanOrEqual(3);
    }
  });

  it('maxChroma finds the gamut edge at a hue: in at the edge, out just past it', () => {
    const v = [0, 0, 0];
    rgbToOklab(40, 90, 210, v);
    const C = Math.hypot(v[1], v[2]), cos = v[1] / C, sin = v[2] / C;
    for (const L of [0.2, 0.5, 0.8]) {
      const m = maxChroma(L, cos, sin);
      expect(m).toBeGreaterThan(0);
      expect(inGamut(L, m * cos, m * sin)).toBe(true);
      expect(inGamut(L, (m + 0.01) * cos, (m + 0.01) * sin)).toBe(false);
    }
    expect(maxChroma(0, cos, sin)).toBe(0);
    expect(maxChroma(1, cos, sin)).toBe(0);
  });
});
