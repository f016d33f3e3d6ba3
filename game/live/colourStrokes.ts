/**
 * Colour dabs in the live canvas: the colour tool draws strokes like the pen
 * (so undo, redo, clear, save and the eraser work on them as on ink), but
 * they never reach the edge image. They become the dabs that recolour the
 * photo (shared/regionColour): one dab per stroke point, spaced along the
 * stroke, minus those a later eraser stroke went over.
 */
import type { ColourHint } from '../../shared/colourHints';
import { segmentWidthPx } from './geometry';
import type { Stroke, StrokePoint } from './types';

/** Colour marks show at this opacity on the canvas the player sees (the photo gets the full colour). */
export const COLOUR_MARK_ALPHA = 0.45;
/** Dabs along a colour stroke are spaced this many radii apart. */
const DAB_SPACING = 1;

export const isColourStroke = (s: Stroke): boolean => s.tool === 'colour';

function distanceToSegment(p: { x: number; y: number }, a: StrokePoint, b: StrokePoint): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** An eraser stroke's segments in pixels of a side×side canvas, each with its half width (a dot is one zero-length segment). */
function eraserSegments(eraser: Stroke, side: number): { a: StrokePoint; b: StrokePoint; half: number }[] {
  const px = eraser.points.map((q) => ({ ...q, x: q.x * side, y: q.y * side }));
  if (px.length === 1) return [{ a: px[0], b: px[0], half: segmentWidthPx(eraser, eraser.points[0], eraser.points[0], side) / 2 }];
  return px.slice(1).map((b, i) => ({ a: px[i], b, half: segmentWidthPx(eraser, eraser.points[i], eraser.points[i + 1], side) / 2 }));
}

/** The hints of a drawing's strokes, in pixels of a side×side edge image. */
export function hintsFromStrokes(strokes: readonly Stroke[], side: number): ColourHint[] {
  const hints: ColourHint[] = [];
  // Each eraser stroke's segments, computed once: segments[k] for strokes[k].
  const segments = strokes.map((s) => (s.tool === 'eraser' ? eraserSegments(s, side) : []));
  strokes.forEach((stroke, k) => {
    if (!isColourStroke(stroke) || !stroke.rgb || !stroke.points.length) return;
    const later = segments.slice(k + 1).flat();
    const radius = Math.max(0.5, (stroke.width * side) / 2);
    const keep = (p: { x: number; y: number }) => !later.some((seg) => distanceToSegment(p, seg.a, seg.b) <= seg.half);
    let last: { x: number; y: number } | null = null;
    stroke.points.forEach((q, i) => {
      const p = { x: q.x * side, y: q.y * side };
      const isLast = i === stroke.points.length - 1;
      if (last && Math.hypot(p.x - last.x, p.y - last.y) < radius * DAB_SPACING && !isLast) return;
      last = p;
      if (keep(p)) hints.push({ x: p.x, y: p.y, radius, rgb: stroke.rgb! });
    });
  });
  return hints;
}
