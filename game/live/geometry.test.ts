import { describe, expect, it } from 'vitest';
import {
  beginStroke,
  brushWidth,
  containRect,
  defaultBrush,
  extendStroke,
  isNewPoint,
  pressureFactor,
  REFERENCE_SIDE,
  segmentWidthPx,
  toNormalized,
} from './geometry';

describe('stroke geometry', () => {
  it('maps client coordinates into the unit square of the canvas rect', () => {
    const rect = { left: 100, top: 50, width: 200, height: 400 };
    expect(toNormalized(100, 50, rect)).toEqual({ x: 0, y: 0 });
    expect(toNormalized(300, 450, rect)).toEqual({ x: 1, y: 1 });
    expect(toNormalized(200, 250, rect)).toEqual({ x: 0.5, y: 0.5 });
    expect(toNormalized(5, 5, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0, y: 0 });
  });

  it('draws 3 px lines at 256 px by default, matching the training doodles', () => {
    const b = defaultBrush();
    expect(brushWidth(b) * REFERENCE_SIDE).toBeCloseTo(3);
    expect(brushWidth(b, 'eraser')).toBeCloseTo(4 * brushWidth(b));
    expect(brushWidth({ ...b, size: 1000 }) * REFERENCE_SIDE).toBe(24);
    expect(brushWidth({ ...b, size: Number.NaN }) * REFERENCE_SIDE).toBe(3);
  });

  it('scales a stroke width with the render side and pressure only for pressure-sensitive strokes', () => {
    const s = beginStroke(defaultBrush(), { x: 0, y: 0, pressure: 1 }, false);
    const a = { x: 0, y: 0, pressure: 1 };
    const b = { x: 1, y: 1, pressure: 1 };
    expect(segmentWidthPx(s, a, b, 256)).toBeCloseTo(3);
    expect(segmentWidthPx(s, a, b, 512)).toBeCloseTo(6);
    expect(segmentWidthPx({ ...s, pressureSensitive: true }, a, b, 256)).toBeCloseTo(3 * 1.6);
    expect(pressureFactor(0.5)).toBeCloseTo(1);
    expect(pressureFactor(Number.NaN)).toBeCloseTo(1);
    expect(pressureFactor(-3)).toBeCloseTo(0.4);
  });

  it('skips points that do not move the stroke', () => {
    const s = beginStroke(defaultBrush(), { x: 0.5, y: 0.5, pressure: 0.5 }, false);
    expect(extendStroke(s, { x: 0.5, y: 0.5001, pressure: 0.5 })).toBe(false);
    expect(extendStroke(s, { x: 0.51, y: 0.5, pressure: 0.5 })).toBe(true);
    expect(s.points).toHaveLength(2);
    expect(isNewPoint(undefined, { x: 0, y: 0, pressure: 0 })).toBe(true);
  });

  it('fits an image inside the square, centred, keeping its aspect ratio', () => {
    expect(containRect(512, 256, 256)).toEqual({ dx: 0, dy: 64, dw: 256, dh: 128 });
    expect(containRect(100, 200, 256)).toEqual({ dx: 64, dy: 0, dw: 128, dh: 256 });
    expect(containRect(0, 0, 256)).toEqual({ dx: 0, dy: 0, dw: 256, dh: 256 });
  });
});
