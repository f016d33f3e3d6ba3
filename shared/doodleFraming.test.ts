import { describe, expect, it } from 'vitest';
import { columnRuns } from '../testkit/masks';
import { normalizeDoodle } from './doodleFraming';

describe('normalizeDoodle', () => {
  /** A small drawing in the corner of a big canvas: a 3-px rectangle outline. */
  function cornerDoodle(w: number, h: number, channels: 3 | 4): Uint8Array {
    const px = new Uint8Array(w * h * channels).fill(channels === 4 ? 0 : 255);
    const ink = channels === 4 ? [20, 20, 20, 255] : [20, 20, 20];
    for (let y = 10; y < 50; y++) {
      for (let x = 20; x < 100; x++) {
        const edge = y < 13 || y >= 47 || x < 23 || x >= 97;
        if (edge) px.set(ink, (y * w + x) * channels);
      }
    }
    return px;
  }

  it('crops, centres and scales the drawing to the training framing', () => {
    for (const channels of [3, 4] as const) {
      const d = normalizeDoodle(cornerDoodle(300, 200, channels), 300, 200, channels, { size: 128 });
      expect(d.bbox).toEqual({ x: 20, y: 10, w: 80, h: 40 });
      expect(d.rgb.length).toBe(128 * 128 * 3);
      let x0 = 128, x1 = -1, y0 = 128, y1 = -1;
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) {
          if (d.mask[y * 128 + x]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
        }
      }
      const span = x1 - x0 + 1;
      expect(Math.abs(span - 128 * 0.92)).toBeLessThanOrEqual(3);
      expect(Math.abs((x0 + x1) / 2 - 63.5)).toBeLessThanOrEqual(1.5);
      expect(Math.abs((y0 + y1) / 2 - 63.5)).toBeLessThanOrEqual(1.5);
      expect(Math.abs((y1 - y0 + 1) / span - 0.5)).toBeLessThan(0.06); // aspect kept
      // Stroke width scaled with the drawing: 3 px × 1.5 ≈ 4–5 px.
      expect(columnRuns(d.mask, 128, 128, 64)[0]).toBeGreaterThanOrEqual(4);
    }
  });

  it('redraws strokes at a requested width, even when shrinking a lot', () => {
    const d = normalizeDoodle(cornerDoodle(300, 200, 3), 300, 200, 3, { size: 32, strokeWidth: 1 });
    const runs = columnRuns(d.mask, 32, 32, 16);
    expect(runs).toEqual([1, 1]);
    const thick = normalizeDoodle(cornerDoodle(300, 200, 3), 300, 200, 3, { size: 64, strokeWidth: 4, margin: 0.1 });
    expect(columnRuns(thick.mask, 64, 64, 32)).toEqual([4, 4]);
  });

  it('a negative margin zooms in: the box overflows the frame and its sides are cut off, the centre kept', () => {
    // The 80×40 box: with margin -0.25 its longer side spans 1.5× the frame, so the left and right
    // strokes fall outside; the top and bottom strokes (half as far from the centre) stay.
    const d = normalizeDoodle(cornerDoodle(300, 200, 3), 300, 200, 3, { size: 64, strokeWidth: 1, margin: -0.25 });
    expect(d.scale).toBeCloseTo((64 * 1.5) / (80 - 3), 1);
    const col = (x: number) => Array.from({ length: 64 }, (_, y) => d.mask[y * 64 + x]);
    expect(col(0).some(Boolean)).toBe(true); // the horizontal strokes run to the frame's edge
    expect(columnRuns(d.mask, 64, 64, 32)).toEqual([1, 1]);
    const rows = Array.from({ length: 64 }, (_, y) => d.mask.slice(y * 64, y * 64 + 64).reduce((a, b) => a + b, 0));
    expect(rows.filter((n) => n === 64).length).toBe(2); // the top and bottom lines cross the whole frame
  });

  it('returns a blank page for an empty drawing', () => {
    const d = normalizeDoodle(new Uint8Array(10 * 10 * 4), 10, 10, 4, { size: 16 });
    expect(d.bbox).toBeNull();
    expect(d.rgb.every((v) => v === 255)).toBe(true);
  });
});
