/**
 * Rasterizer: renders a drawing (background doodle + strokes) as black lines
 * on white into
 *  - the edge canvas: a private 2D canvas at model resolution, the model input;
 *  - optionally a display canvas the player sees (any size, device pixels).
 * Both get the same geometry, so what you see is what the model gets.
 * Strokes in progress are drawn incrementally (only new segments).
 */
import { segmentWidthPx } from './geometry';
import { COLOUR_MARK_ALPHA, isColourStroke } from './colourStrokes';
import type { Drawing } from './history';
import type { Stroke } from './types';

export const PAPER = '#ffffff';
export const INK = '#000000';

export type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;
export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
/** A background is kept as a square canvas at model resolution. */
export type Background = AnyCanvas;

export function createCanvas(width: number, height: number): AnyCanvas {
  if (typeof document !== 'undefined') {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    return c;
  }
  return new OffscreenCanvas(width, height);
}

export function context2d(canvas: AnyCanvas, willReadFrequently = false): Ctx2D {
  const ctx = canvas.getContext('2d', { willReadFrequently }) as Ctx2D | null;
  if (!ctx) throw new Error('2D canvas context is not available');
  return ctx;
}

/**
 * Draws a whole stroke, or its segments from `fromPoint` on (incremental drawing).
 * Colour strokes are hints, not ink: translucent marks on the display surface, nothing on the model's.
 */
export function drawStroke(ctx: Ctx2D, stroke: Stroke, side: number, fromPoint = 0, surface: 'edges' | 'display' = 'display'): void {
  const pts = stroke.points;
  if (pts.length === 0) return;
  const colour = isColourStroke(stroke);
  if (colour && surface === 'edges') return;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = ctx.fillStyle = stroke.tool === 'eraser' ? PAPER : colour ? `rgb(${(stroke.rgb ?? [0, 0, 0]).join(',')})` : INK;
  // Incremental segments of a translucent stroke would overlap and darken: colour strokes are redrawn whole.
  if (colour) {
    ctx.globalAlpha = COLOUR_MARK_ALPHA;
    fromPoint = 0;
  }
  if (pts.length === 1) {
    const r = segmentWidthPx(stroke, pts[0], pts[0], side) / 2;
    ctx.beginPath();
    ctx.arc(pts[0].x * side, pts[0].y * side, r, 0, Math.PI * 2);
    ctx.fill();
  } else if (!stroke.pressureSensitive) {
    // Constant width: one path, so joins are clean.
    const start = Math.max(0, fromPoint - 1);
    ctx.lineWidth = segmentWidthPx(stroke, pts[0], pts[0], side);
    ctx.beginPath();
    ctx.moveTo(pts[start].x * side, pts[start].y * side);
    for (let i = start + 1; i < pts.length; i++) ctx.lineTo(pts[i].x * side, pts[i].y * side);
    ctx.stroke();
  } else {
    for (let i = Math.max(1, fromPoint); i < pts.length; i++) {
      const a = pts[i - 1];
      const b = pts[i];
      ctx.lineWidth = segmentWidthPx(stroke, a, b, side);
      ctx.beginPath();
      ctx.moveTo(a.x * side, a.y * side);
      ctx.lineTo(b.x * side, b.y * side);
      ctx.stroke();
    }
  }
  ctx.restore();
}

interface Surface {
  canvas: AnyCanvas;
  ctx: Ctx2D;
}

export class Rasterizer {
  private edges: Surface;
  private display: Surface | null = null;

  constructor(side = 256) {
    const canvas = createCanvas(side, side);
    this.edges = { canvas, ctx: context2d(canvas, true) };
    this.paint(this.edges, { background: null, strokes: [] });
  }

  /** The model-resolution edge image (black lines on white). */
  get edgeCanvas(): AnyCanvas {
    return this.edges.canvas;
  }

  get side(): number {
    return this.edges.canvas.width;
  }

  /** Changes the model resolution (a theme with another size); call render() afterwards. */
  setSide(side: number): void {
    if (side === this.side) return;
    this.edges.canvas.width = side;
    this.edges.canvas.height = side;
  }

  /** Sets (or removes) the canvas the player sees; it is drawn at its own pixel size. */
  setDisplay(canvas: HTMLCanvasElement | null): void {
    this.display = canvas ? { canvas, ctx: context2d(canvas) } : null;
  }

  /** Full redraw of both surfaces. */
  render(drawing: Drawing<Background>, inProgress?: Stroke | null): void {
    for (const s of this.surfaces()) {
      this.paint(s, drawing);
      if (inProgress) drawStroke(s.ctx, inProgress, s.canvas.width, 0, this.kind(s));
    }
  }

  /** Draws the part of an in-progress stroke from point `fromPoint` on. */
  drawIncrement(stroke: Stroke, fromPoint: number): void {
    // A translucent colour stroke cannot be drawn in pieces (overlaps darken): redraw the drawing.
    if (isColourStroke(stroke)) return;
    for (const s of this.surfaces()) drawStroke(s.ctx, stroke, s.canvas.width, fromPoint, this.kind(s));
  }

  private kind(s: Surface): 'edges' | 'display' {
    return s === this.edges ? 'edges' : 'display';
  }

  /** The model input as pixels. */
  edgeImageData(): ImageData {
    const side = this.side;
    return this.edges.ctx.getImageData(0, 0, side, side);
  }

  private surfaces(): Surface[] {
    return this.display ? [this.edges, this.display] : [this.edges];
  }

  private paint(s: Surface, drawing: Drawing<Background>): void {
    const { canvas, ctx } = s;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (drawing.background) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(drawing.background, 0, 0, canvas.width, canvas.height);
    }
    ctx.restore();
    for (const stroke of drawing.strokes) drawStroke(ctx, stroke, canvas.width, 0, this.kind(s));
  }
}
