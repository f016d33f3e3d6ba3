import { describe, expect, it } from 'vitest';
import { hintsFromStrokes } from './colourStrokes';
import type { Stroke } from './types';

const line = (tool: Stroke['tool'], pts: [number, number][], width: number, rgb?: [number, number, number]): Stroke => ({
  tool, width, pressureSensitive: false, points: pts.map(([x, y]) => ({ x, y, pressure: 0.5 })), ...(rgb ? { rgb } : {}),
});

describe('hintsFromStrokes', () => {
  it('turns colour strokes into dabs spaced along them, in pixels of the edge image; ink strokes give none', () => {
    const strokes = [line('pen', [[0.1, 0.1], [0.9, 0.9]], 0.01), line('colour', [[0.2, 0.5], [0.6, 0.5]], 0.05, [200, 10, 10])];
    const hints = hintsFromStrokes(strokes, 100);
    expect(hints.length).toBeGreaterThanOrEqual(2);
    for (const h of hints) {
      expect(h.rgb).toEqual([200, 10, 10]);
      expect(h.radius).toBeCloseTo(2.5, 6);
      expect(h.y).toBeCloseTo(50, 6);
    }
    expect(hints[0].x).toBeCloseTo(20, 6);
    expect(hints[hints.length - 1].x).toBeCloseTo(60, 6);
  });
  it('drops the dabs a later eraser stroke went over, keeps those erased before they were drawn', () => {
    const dab = line('colour', [[0.5, 0.5]], 0.04, [0, 0, 255]);
    const eraser = line('eraser', [[0.4, 0.5], [0.6, 0.5]], 0.05);
    expect(hintsFromStrokes([dab, eraser], 128)).toEqual([]);
    expect(hintsFromStrokes([eraser, dab], 128)).toHaveLength(1);
    const farEraser = line('eraser', [[0.1, 0.1], [0.2, 0.1]], 0.05);
    expect(hintsFromStrokes([dab, farEraser], 128)).toHaveLength(1);
  });
});
