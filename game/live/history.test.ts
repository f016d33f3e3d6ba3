import { describe, expect, it } from 'vitest';
import { History } from './history';
import type { Stroke } from './types';

const stroke = (x: number): Stroke => ({ tool: 'pen', width: 0.01, pressureSensitive: false, points: [{ x, y: x, pressure: 0.5 }] });

describe('History', () => {
  it('undoes and redoes strokes in order', () => {
    const h = new History();
    h.commitStroke(stroke(0.1));
    h.commitStroke(stroke(0.2));
    expect(h.present.strokes.map((s) => s.points[0].x)).toEqual([0.1, 0.2]);
    expect(h.undo()).toBe(true);
    expect(h.present.strokes.map((s) => s.points[0].x)).toEqual([0.1]);
    expect(h.redo()).toBe(true);
    expect(h.present.strokes).toHaveLength(2);
    expect(h.redo()).toBe(false);
  });

  it('makes clear undoable and ignores clearing an empty drawing', () => {
    const h = new History();
    expect(h.clear()).toBe(false);
    expect(h.canUndo).toBe(false);
    h.commitStroke(stroke(0.3));
    expect(h.clear()).toBe(true);
    expect(h.isEmpty).toBe(true);
    h.undo();
    expect(h.present.strokes).toHaveLength(1);
  });

  it('drops the redo branch on a new change', () => {
    const h = new History();
    h.commitStroke(stroke(0.1));
    h.undo();
    expect(h.canRedo).toBe(true);
    h.commitStroke(stroke(0.4));
    expect(h.canRedo).toBe(false);
    expect(h.present.strokes[0].points[0].x).toBe(0.4);
  });

  it('keeps a loaded background under later strokes and restores the previous drawing on undo', () => {
    const h = new History<string>();
    h.commitStroke(stroke(0.1));
    h.load('doodle.png');
    expect(h.present).toEqual({ background: 'doodle.png', strokes: [] });
    h.commitStroke(stroke(0.2));
    expect(h.present.background).toBe('doodle.png');
    h.undo();
    h.undo();
    expect(h.present.background).toBeNull();
    expect(h.present.strokes).toHaveLength(1);
  });

  it('bumps the version on every change, undo and redo included', () => {
    const h = new History();
    const v0 = h.version;
    h.commitStroke(stroke(0.1));
    h.undo();
    h.redo();
    expect(h.version).toBe(v0 + 3);
    h.undo();
    expect(h.undo()).toBe(false);
    expect(h.version).toBe(v0 + 4);
  });

  it('forgets the oldest entries beyond its limit', () => {
    const h = new History(3);
    for (let i = 0; i < 6; i++) h.commitStroke(stroke(i / 10));
    let undos = 0;
    while (h.undo()) undos++;
    expect(undos).toBe(3);
    expect(h.present.strokes).toHaveLength(3);
  });

  it('reset empties everything without an undo entry', () => {
    const h = new History();
    h.commitStroke(stroke(0.1));
    h.reset();
    expect(h.isEmpty).toBe(true);
    expect(h.canUndo || h.canRedo).toBe(false);
  });
});
