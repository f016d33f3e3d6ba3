/**
 * Stroke geometry: pure functions from pointer positions to normalised stroke
 * points and pixel line widths. No DOM access, so it is unit-tested in Node.
 */
import type { Brush, Stroke, StrokePoint, Tool } from './types';

/** The model side the brush sizes are expressed in (training data: 3 px lines at 256 px). */
export const REFERENCE_SIDE = 256;
/** Line width of the doodles the themes were trained on, in pixels at REFERENCE_SIDE. */
export const DEFAULT_PEN_SIZE = 3;
export const MIN_PEN_SIZE = 1;
export const MAX_PEN_SIZE = 24;
/** The eraser is wider than the pen so that a line can be removed in one pass. */
export const DEFAULT_ERASER_SCALE = 4;
/** Pressure reported by devices without a pressure sensor (Pointer Events spec: 0.5 while pressed). */
export const NEUTRAL_PRESSURE = 0.5;
/** Points closer than this (fraction of the side, ≈ 0.25 px at 256) add nothing to a stroke. */
export const MIN_POINT_DISTANCE = 1 / 1024;

export const defaultBrush = (): Brush => ({ size: DEFAULT_PEN_SIZE, tool: 'pen', eraserScale: DEFAULT_ERASER_SCALE });

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Client (CSS pixel) position → normalised drawing coordinates. Outside points are kept: the canvas clips them. */
export function toNormalized(clientX: number, clientY: number, rect: Rect): { x: number; y: number } {
  return {
    x: rect.width > 0 ? (clientX - rect.left) / rect.width : 0,
    y: rect.height > 0 ? (clientY - rect.top) / rect.height : 0,
  };
}

export function clampPenSize(size: number): number {
  if (!Number.isFinite(size)) return DEFAULT_PEN_SIZE;
  return Math.min(MAX_PEN_SIZE, Math.max(MIN_PEN_SIZE, size));
}

/** The stroke width (fraction of the side) a brush draws with. */
/** The colour tool's colour until one is picked (a clear red). */
export const DEFAULT_HINT_COLOUR: [number, number, number] = [214, 40, 40];
/** Colour dabs are this many times wider than the pen: a dab marks an area, not a line. */
export const COLOUR_SCALE = 4;

export function brushWidth(brush: Brush, tool: Tool = brush.tool): number {
  const px = clampPenSize(brush.size) * (tool === 'eraser' ? brush.eraserScale : tool === 'colour' ? COLOUR_SCALE : 1);
  return px / REFERENCE_SIDE;
}

/** Width multiplier for a pressure value: 0.5 (neutral) → 1, 0 → 0.4, 1 → 1.6. */
export function pressureFactor(pressure: number): number {
  const p = Number.isFinite(pressure) ? Math.min(1, Math.max(0, pressure)) : NEUTRAL_PRESSURE;
  return 0.4 + 1.2 * p;
}

/** Pixel width of the segment a→b of a stroke rendered on a square of `sidePx`. */
export function segmentWidthPx(stroke: Stroke, a: StrokePoint, b: StrokePoint, sidePx: number): number {
  const factor = stroke.pressureSensitive ? pressureFactor((a.pressure + b.pressure) / 2) : 1;
  return Math.max(0.5, stroke.width * sidePx * factor);
}

/** Whether `next` is far enough from `last` to be worth adding to the stroke. */
export function isNewPoint(last: StrokePoint | undefined, next: StrokePoint, minDistance = MIN_POINT_DISTANCE): boolean {
  if (!last) return true;
  return Math.hypot(next.x - last.x, next.y - last.y) >= minDistance;
}

export function beginStroke(brush: Brush, first: StrokePoint, pressureSensitive: boolean): Stroke {
  const stroke: Stroke = { tool: brush.tool, width: brushWidth(brush), pressureSensitive, points: [first] };
  if (brush.tool === 'colour') stroke.rgb = brush.colour ?? DEFAULT_HINT_COLOUR;
  return stroke;
}

/** Appends the point when it moves the stroke; returns whether it was added. */
export function extendStroke(stroke: Stroke, point: StrokePoint): boolean {
  if (!isNewPoint(stroke.points[stroke.points.length - 1], point)) return false;
  stroke.points.push(point);
  return true;
}

/** Where an image of w×h goes inside a square of `side` so that it is fully visible and centred. */
export function containRect(w: number, h: number, side: number): { dx: number; dy: number; dw: number; dh: number } {
  if (!(w > 0 && h > 0)) return { dx: 0, dy: 0, dw: side, dh: side };
  const scale = Math.min(side / w, side / h);
  const dw = w * scale;
  const dh = h * scale;
  return { dx: (side - dw) / 2, dy: (side - dh) / 2, dw, dh };
}
