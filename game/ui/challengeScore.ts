/**
 * The Challenge's score: how well the player's doodle draws the target, judged
 * on the drawing itself against the target's own outline (the gallery edges),
 * not on ink near the target's bounding box or on how the generated photo's
 * tones happen to match.
 *
 * Both drawings are framed the same way (cropped to their ink, the longer side
 * scaled to the frame minus a margin, centred: how the model frames a doodle),
 * so where and how large the player draws does not matter. At SCORE_SIDE² they
 * are compared on four counts, each 0–1:
 *
 * - silhouette: intersection over union of the shapes the lines enclose;
 * - outline: share of the target's silhouette boundary the player drew (within TOLERANCE);
 * - on target: share of the player's lines that lie on the target's lines (scribbles cost);
 * - parts: share of the target's inner lines (laces, straps, eyes) the player drew.
 *
 * score = geometric mean of ramp(silhouette), ramp(outline), ramp(on target),
 * times 0.8 + 0.2·ramp(parts): a clean outline alone scores 80–90 %, the
 * inner parts add the rest. A ramp maps "nothing alike" (a floor measured on blank, one
 * line and random scribbles) to 0 and "as traced" to 1, so a blank canvas, a
 * line or a scribble stay below 30 % and a traced outline reaches 80 % or more
 * (tests: challengeScore.test.ts on the shipped galleries, and the browser test).
 * Pure logic on masks: no DOM.
 */
import { fillFromBorder } from '../../shared/pixels/masks';

export const SCORE_SIDE = 64;
/** Pixels (at SCORE_SIDE) a line may be off and still count as on the target's line. */
export const TOLERANCE = 2;
/** Darkness (1 − luminance) above which a pixel is ink; gallery edges are grey, thin lines. */
export const INK_DARKNESS = 0.2;
/** Margin per side when framing, as a fraction of the side (the model's default framing margin). */
export const SCORE_MARGIN = 0.04;

/** [floor, full]: below floor counts 0, at or above full counts 1. */
const RAMPS = {
  silhouette: [0.55, 0.9],
  outline: [0.45, 0.85],
  onTarget: [0.5, 0.9],
  parts: [0.05, 0.5],
} as const;
/** Weight of the parts (inner lines) in the score. */
const PARTS_WEIGHT = 0.2;

export interface ScoreParts {
  silhouette: number;
  outline: number;
  onTarget: number;
  parts: number;
}

export interface ChallengeScore extends ScoreParts {
  /** 0–1. */
  score: number;
}

export interface Target {
  side: number;
  /** Framed target lines. */
  edges: Uint8Array;
  /** Target silhouette (what its lines enclose). */
  silhouette: Uint8Array;
  /** The silhouette's boundary. */
  boundary: Uint8Array;
  /** Target lines inside the silhouette, away from its boundary. */
  inner: Uint8Array;
  /** Within TOLERANCE of any target line or the boundary. */
  nearLines: Uint8Array;
  nearBoundary: Uint8Array;
  nearInner: Uint8Array;
}

/** Ink mask of RGBA (or RGB/gray) pixels: 1 where darker than INK_DARKNESS (transparent counts as paper). */
export function inkMask(pixels: ArrayLike<number>, width: number, height: number, channels = 4, darkness = INK_DARKNESS): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const lum = channels >= 3 ? (0.299 * pixels[o] + 0.587 * pixels[o + 1] + 0.114 * pixels[o + 2]) / 255 : pixels[o] / 255;
    const alpha = channels === 4 ? pixels[o + 3] / 255 : 1;
    if ((1 - lum) * alpha > darkness) out[i] = 1;
  }
  return out;
}

/** Bounding box of a mask's ink, or null. */
function bbox(mask: Uint8Array, w: number, h: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/**
 * Frames a mask like the model frames a doodle: crop to the ink, scale the
 * longer side to side·(1 − 2·margin), centre. An output pixel is ink when any
 * input pixel falling in it is (thin lines survive downscaling).
 */
export function frameMask(mask: Uint8Array, w: number, h: number, side = SCORE_SIDE, margin = SCORE_MARGIN): Uint8Array {
  const out = new Uint8Array(side * side);
  const box = bbox(mask, w, h);
  if (!box) return out;
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const scale = (side * (1 - 2 * margin)) / Math.max(bw, bh);
  const ox = (side - bw * scale) / 2, oy = (side - bh * scale) / 2;
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      if (!mask[y * w + x]) continue;
      const px = Math.min(side - 1, Math.max(0, Math.floor(ox + (x - box.x0 + 0.5) * scale)));
      const py = Math.min(side - 1, Math.max(0, Math.floor(oy + (y - box.y0 + 0.5) * scale)));
      out[py * side + px] = 1;
    }
  }
  // A line downscaled by more than 1:1 may leave gaps between samples: close them along the line.
  if (scale > 1) return dilate(out, side, Math.ceil(scale / 2));
  return out;
}

/** Disk dilation by r pixels. */
export function dilate(mask: Uint8Array, side: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const out = new Uint8Array(mask.length);
  const offsets: [number, number][] = [];
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r + r) offsets.push([dx, dy]);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (!mask[y * side + x]) continue;
      for (const [dx, dy] of offsets) {
        const nx = x + dx, ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < side && ny < side) out[ny * side + nx] = 1;
      }
    }
  }
  return out;
}

/** What the lines enclose, lines included: everything not reachable from the border without crossing a line (gaps of a pixel closed). */
export function silhouetteOf(lines: Uint8Array, side: number): Uint8Array {
  const walls = dilate(lines, side, 1);
  const outside = fillFromBorder(side, side, (i) => !walls[i]);
  const sil = new Uint8Array(side * side);
  for (let i = 0; i < sil.length; i++) sil[i] = outside[i] ? 0 : 1;
  return sil;
}

/** Pixels of a shape with a 4-neighbour outside it. */
export function boundaryOf(shape: Uint8Array, side: number): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      if (!shape[i]) continue;
      if (x === 0 || y === 0 || x === side - 1 || y === side - 1 || !shape[i - 1] || !shape[i + 1] || !shape[i - side] || !shape[i + side]) out[i] = 1;
    }
  }
  return out;
}

const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

/** Share of `a`'s pixels that are set in `b` (0 when `a` is empty). */
function coverage(a: Uint8Array, b: Uint8Array): number {
  let n = 0, hit = 0;
  for (let i = 0; i < a.length; i++) {
    if (!a[i]) continue;
    n++;
    if (b[i]) hit++;
  }
  return n ? hit / n : 0;
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union ? inter / union : 0;
}

const ramp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(1, Math.max(0, (v - lo) / (hi - lo)));

/** F1 of two outlines: the target's boundary covered by the player's, and the player's lying on the target's (within TOLERANCE). */
function outlineMatch(playerBoundary: Uint8Array, target: Target): number {
  const recall = coverage(target.boundary, dilate(playerBoundary, target.side, TOLERANCE));
  const precision = coverage(playerBoundary, target.nearBoundary);
  return recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : 0;
}

/** Prepares a target from its framed lines (see frameMask). */
export function makeTarget(edges: Uint8Array, side = SCORE_SIDE): Target {
  let silhouette = silhouetteOf(edges, side);
  // An outline with a gap wider than the closing: its lines, thickened, stand in for the shape.
  if (count(silhouette) < count(edges) * 2) silhouette = silhouetteOf(dilate(edges, side, 2), side);
  const boundary = boundaryOf(silhouette, side);
  const nearBoundary = dilate(boundary, side, TOLERANCE);
  const inner = edges.map((v, i) => (v && !nearBoundary[i] ? 1 : 0));
  const lines = edges.map((v, i) => v | boundary[i]);
  return { side, edges, silhouette, boundary, inner, nearLines: dilate(lines, side, TOLERANCE), nearBoundary, nearInner: dilate(inner, side, TOLERANCE) };
}

/** Scores the player's framed lines against a target. */
export function scoreDrawing(player: Uint8Array, target: Target): ChallengeScore {
  const side = target.side;
  if (!player.some((v) => v)) return { score: 0, silhouette: 0, outline: 0, onTarget: 0, parts: 0 };
  const nearPlayer = dilate(player, side, TOLERANCE);
  const parts: ScoreParts = {
    silhouette: iou(silhouetteOf(player, side), target.silhouette),
    outline: outlineMatch(boundaryOf(silhouetteOf(player, side), side), target),
    onTarget: coverage(player, target.nearLines),
    parts: count(target.inner) ? coverage(target.inner, nearPlayer) : 1,
  };
  const core = Math.cbrt(ramp(parts.silhouette, RAMPS.silhouette) * ramp(parts.outline, RAMPS.outline) * ramp(parts.onTarget, RAMPS.onTarget));
  const score = core * (1 - PARTS_WEIGHT + PARTS_WEIGHT * ramp(parts.parts, RAMPS.parts));
  return { score, ...parts };
}

/**
 * One line for the player: the count that costs the most points, so they know
 * what to fix (the three main counts by how far they are from full marks; the
 * inner parts once the outline is right).
 */
export function explainScore(s: ChallengeScore): string {
  if (s.score === 0 && s.silhouette === 0 && s.outline === 0) return 'Draw the outline of the target photo.';
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const tips: [number, string][] = [
    [ramp(s.silhouette, RAMPS.silhouette), `shape ${pct(s.silhouette)}: close the outline so it encloses the same shape`],
    [ramp(s.outline, RAMPS.outline), `outline ${pct(s.outline)}: draw all around the target's edge, where it is`],
    [ramp(s.onTarget, RAMPS.onTarget), `on target ${pct(s.onTarget)}: lines away from the target's lines cost points`],
  ];
  tips.sort((a, b) => a[0] - b[0]);
  if (tips[0][0] >= 1) return ramp(s.parts, RAMPS.parts) >= 1 ? 'Spot on.' : `Weakest: parts ${pct(s.parts)}: add the inner lines (laces, straps, eyes…).`;
  return `Weakest: ${tips[0][1]}.`;
}
