/**
 * Inference-time framing of a player's drawing: crop to the ink, scale and
 * centre it the way training objects are framed (normalizeDoodle).
 */
import { type Pixels, toGray } from './pixels/filters';
import { mapSkeleton, thicken, thin } from './pixels/masks';
import { renderEdgeImage } from './pixels/strokes';

/**
 * Margin on each side when framing a drawing, as a fraction of the output
 * side. Measured on edges2shoes-mini / edges2handbags-mini: the edge map's
 * bounding box spans 230–250 of 256 px along its longer side, centred.
 */
export const DOODLE_MARGIN = 0.04;
/** Largest |margin|: beyond it the drawing would vanish (0.5) or be cropped to a detail. */
export const MAX_DOODLE_MARGIN = 0.45;

export interface NormalizeDoodleOptions {
  /** Output side in pixels. */
  size: number;
  /**
   * Margin per side as a fraction of `size` (default DOODLE_MARGIN). Negative zooms in: the
   * drawing's box is larger than the frame and its outer strokes are cut off, for models
   * trained on photos cropped inside the object (cat faces: ears and outline out of frame).
   */
  margin?: number;
  /** Redraw strokes at this width in output pixels (1 = thin like HED edges). Default: keep the drawing's width, scaled. */
  strokeWidth?: number;
  /** Darkness (1 − luminance over white) above which a pixel is ink (default 0.35). */
  inkThreshold?: number;
}

export interface NormalizedDoodle {
  /** size×size×3 RGB, black strokes on white. */
  rgb: Uint8Array;
  /** size×size ink mask. */
  mask: Uint8Array;
  /** The drawing's bounding box in the input, or null for an empty drawing. */
  bbox: { x: number; y: number; w: number; h: number } | null;
  /** Input → output scale factor applied. */
  scale: number;
  /**
   * Where the drawing went, in continuous pixel coordinates (a pixel's centre
   * is at i + 0.5): model = (input − c) · scale + o. Null for an empty drawing.
   * Colour hints and the game's photo placement use it.
   */
  framing: { cx: number; cy: number; scale: number; ox: number; oy: number } | null;
}

/**
 * Frames a drawing the way training objects are framed: crop to the ink's
 * bounding box, scale its longer side to `size·(1 − 2·margin)` and centre it.
 * Strokes are resampled through their skeleton, so thin lines survive strong
 * downscaling, then drawn at `strokeWidth` (or at the drawing's own width
 * times the scale). Input: RGB(A)/gray pixels on white or transparent.
 */
export function normalizeDoodle(
  pixels: Pixels, w: number, h: number, channels: number, opts: NormalizeDoodleOptions,
): NormalizedDoodle {
  const size = opts.size;
  if (!(size >= 1) || !Number.isInteger(size)) throw new Error(`normalizeDoodle: size must be a positive integer, got ${size}`);
  const margin = opts.margin ?? DOODLE_MARGIN;
  const threshold = opts.inkThreshold ?? 0.35;
  const gray = toGray(pixels, w, h, channels);
  const ink = new Uint8Array(w * h);
  let x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (1 - gray[y * w + x] > threshold) {
        ink[y * w + x] = 1;
        area++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) {
    return { rgb: new Uint8Array(size * size * 3).fill(255), mask: new Uint8Array(size * size), bbox: null, scale: 1, framing: null };
  }
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const sk = thin(ink, w, h);
  let skLen = 0;
  for (const v of sk) skLen += v;
  const strokeWidthIn = area / Math.max(1, skLen);
  // Fit the stroke centre lines (skeleton box minus a stroke width) into the box, so the drawn outer edge fits.
  const inner = Math.max(1, Math.max(bw, bh) - strokeWidthIn);
  const target = Math.max(1, size * (1 - 2 * margin));
  const provisionalWidth = opts.strokeWidth ?? Math.max(1, strokeWidthIn * (target / Math.max(bw, bh)));
  const scale = Math.max(1e-6, (target - (provisionalWidth - 1)) / inner);
  const strokeWidth = opts.strokeWidth ?? Math.max(1, Math.round(strokeWidthIn * scale));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const oc = (size - 1) / 2;
  // Brushes of even width extend one pixel more to the +x/+y side; centre the drawn stroke.
  const bias = strokeWidth % 2 === 0 ? -0.5 : 0;
  const mapped = mapSkeleton(sk, w, h, size, size, (x, y) => [oc + (x - cx) * scale + bias, oc + (y - cy) * scale + bias]);
  const mask = thicken(mapped, size, size, strokeWidth);
  const framing = { cx: cx + 0.5, cy: cy + 0.5, scale, ox: oc + bias + 0.5, oy: oc + bias + 0.5 };
  return { rgb: renderEdgeImage(mask, size, size), mask, bbox: { x: x0, y: y0, w: bw, h: bh }, scale, framing };
}
