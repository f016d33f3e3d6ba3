import { describe, expect, it } from 'vitest';
import { drawStroke, INK, PAPER, type Ctx2D } from './rasterizer';
import type { Stroke } from './types';

/** Records the drawing calls a stroke makes. */
function recorder() {
  const calls: string[] = [];
  const state = { lineWidth: 0, strokeStyle: '', fillStyle: '', lineCap: '', lineJoin: '' };
  const ctx = new Proxy(state, {
    get(target, key: string) {
      if (key in target) return target[key as keyof typeof target];
      return (...args: number[]) => calls.push(`${key}(${args.map((a) => Math.round(a * 10) / 10).join(',')})`);
    },
    set(target, key: string, value) {
      (target as Record<string, unknown>)[key] = value;
      if (key === 'lineWidth') calls.push(`lineWidth=${value}`);
      return true;
    },
  }) as unknown as Ctx2D;
  return { ctx, calls, state };
}

const stroke = (points: [number, number, number?][], extra: Partial<Stroke> = {}): Stroke => ({
  tool: 'pen',
  width: 3 / 256,
  pressureSensitive: false,
  points: points.map(([x, y, pressure = 0.5]) => ({ x, y, pressure })),
  ...extra,
});

describe('drawStroke', () => {
  it('draws a constant-width stroke as one round-capped path scaled to the surface', () => {
    const { ctx, calls, state } = recorder();
    drawStroke(ctx, stroke([[0, 0], [0.5, 0.5], [1, 0.5]]), 512);
    expect(state.lineCap).toBe('round');
    expect(state.strokeStyle).toBe(INK);
    expect(calls).toEqual(['save()', 'lineWidth=6', 'beginPath()', 'moveTo(0,0)', 'lineTo(256,256)', 'lineTo(512,256)', 'stroke()', 'restore()']);
  });

  it('draws only the new part of a stroke in progress, joined to the previous point', () => {
    const { ctx, calls } = recorder();
    drawStroke(ctx, stroke([[0, 0], [0.5, 0], [1, 0]]), 256, 2);
    expect(calls.filter((c) => /moveTo|lineTo/.test(c))).toEqual(['moveTo(128,0)', 'lineTo(256,0)']);
  });

  it('draws a single tap as a dot and the eraser in paper colour', () => {
    const { ctx, calls, state } = recorder();
    drawStroke(ctx, stroke([[0.5, 0.5]], { tool: 'eraser', width: 12 / 256 }), 256);
    expect(state.fillStyle).toBe(PAPER);
    expect(calls).toContain('arc(128,128,6,0,6.3)');
    expect(calls).toContain('fill()');
  });

  it('varies the width per segment with pen pressure', () => {
    const { ctx, calls } = recorder();
    drawStroke(ctx, stroke([[0, 0, 0], [0.5, 0, 0], [1, 0, 1]], { pressureSensitive: true }), 256);
    const widths = calls.filter((c) => c.startsWith('lineWidth=')).map((c) => Number(c.slice(10)));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo(3 * 0.4);
    expect(widths[1]).toBeCloseTo(3 * 1.0);
  });
});
