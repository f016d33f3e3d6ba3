/**
 * Undo/redo of a drawing. A drawing is an optional background image (a loaded
 * doodle) plus strokes. Every change pushes a new immutable snapshot; strokes
 * are shared between snapshots, so a snapshot costs one array.
 * Clear and load are changes like any other, so they can be undone.
 */
import type { Stroke } from './types';

export interface Drawing<Img = unknown> {
  readonly background: Img | null;
  readonly strokes: readonly Stroke[];
}

export const DEFAULT_HISTORY_LIMIT = 200;

export class History<Img = unknown> {
  private past: Drawing<Img>[] = [];
  private future: Drawing<Img>[] = [];
  private current: Drawing<Img> = { background: null, strokes: [] };
  private revision = 0;

  constructor(private readonly limit = DEFAULT_HISTORY_LIMIT) {}

  get present(): Drawing<Img> {
    return this.current;
  }

  /** Increases on every change, undo and redo included: a cheap "has the drawing changed" check. */
  get version(): number {
    return this.revision;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get isEmpty(): boolean {
    return this.current.background === null && this.current.strokes.length === 0;
  }

  commitStroke(stroke: Stroke): void {
    this.push({ background: this.current.background, strokes: [...this.current.strokes, stroke] });
  }

  /** Replaces the strokes (keeping the background) as one undoable change. */
  replaceStrokes(strokes: readonly Stroke[]): void {
    this.push({ background: this.current.background, strokes: [...strokes] });
  }

  /** Empties the drawing; false (and no history entry) when it is already empty. */
  clear(): boolean {
    if (this.isEmpty) return false;
    this.push({ background: null, strokes: [] });
    return true;
  }

  /** Replaces the drawing with an image (a loaded doodle) and no strokes. */
  load(background: Img): void {
    this.push({ background, strokes: [] });
  }

  undo(): boolean {
    const previous = this.past.pop();
    if (!previous) return false;
    this.future.push(this.current);
    this.set(previous);
    return true;
  }

  redo(): boolean {
    const next = this.future.pop();
    if (!next) return false;
    this.past.push(this.current);
    this.set(next);
    return true;
  }

  /** Forgets everything (not undoable): a fresh, empty drawing. */
  reset(): void {
    this.past = [];
    this.future = [];
    this.set({ background: null, strokes: [] });
  }

  private push(next: Drawing<Img>): void {
    this.past.push(this.current);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.set(next);
  }

  private set(next: Drawing<Img>): void {
    this.current = next;
    this.revision++;
  }
}
