/**
 * The Challenge's score: how well the player's doodle draws the target, judged
 * on the drawing itself against the target's own outline (the gallery edges),
 * not on ink near the target's bounding box or on how the generated photo's
 * tones happen to match. The live meter and the result both call scoreDrawing
 * on the drawing as it is: one number, never a best-so-far of an older drawing.
 *
 * Both drawings are framed the same way (cropped to their ink, the longer side
 * scaled to the frame minus a margin, centred: how the model frames a doodle),
 * so where and how large the player draws does not matter. At SCORE_SIDE² they
 * are compared on four counts, each 0–1:
 *
 * - silhouette: intersection over union of the shapes the lines enclose (an
 *   outline open by up to about 2·CLOSE_GAP px still encloses its shape);
 * - outline: F1 of the two shapes' boundaries (within TOLERANCE);
 * - on target: share of the player's lines on the target's lines (within
 *   TOLERANCE; a player's inner line within PART_TOLERANCE of a target part);
 * - parts: share of the target's inner lines (laces, straps, eyes) that the
 *   player's inner lines (inside their own shape, off their own outline) cover,
 *   times the drawing's core (below): a scribble over the page covers every
 *   part but is not the target, so its parts count is 0, not 100 %.
 *
 * core = geometric mean of ramp(silhouette), ramp(outline) and ramp(on target
 * above chance: Target.chance, the share ink anywhere gets); score = core ×
 * ((1 − PARTS_WEIGHT) + PARTS_WEIGHT·ramp(parts)): a clean outline alone scores
 * about 85 %, the inner parts add the rest. A ramp maps "nothing alike" (a
 * floor measured on blank, one line and scribbles, page-filling ones included)
 * to 0 and "as traced" to 1, so those stay below 30 % and a traced outline
 * reaches 85 %. A part drawn where the target has one (on its line or up to
 * PART_TOLERANCE beside it) raises on target and parts and leaves the shape as
 * it is, so it never lowers the score (tests: challengeScore.test.ts on the
 * shipped galleries, and the browser tests). Pure logic on masks: no DOM.
 */
import { fillFromBorder } from '../../shared/pixels/masks';

export const SCORE_SIDE = 64;
/** Pixels (at SCORE_SIDE) a line may be off and still count as on the target's line. */
export const TOLERANCE = 2;
/**
 * Pixels (at SCORE_SIDE) a player's inner line may be from a target part and
 * still cover it: parts are drawn by looking at the photo, not traced. (Such a
 * line still costs on "on target" when it is beyond TOLERANCE of every line.)
 */
export const PART_TOLERANCE = 3;
/** Darkness (1 − luminance) above which a pixel is ink; gallery edges are grey, thin lines. */
export const INK_DARKNESS = 0.2;
/** Margin per side when framing, as a fraction of the side (the model's default framing margin). */
export const SCORE_MARGIN = 0.04;

/** [floor, full]: below floor counts 0, at or above full counts 1. */
const RAMPS = {
  silhouette: [0.55, 0.9],
  outline: [0.45, 0.85],
  /** Applied to on target above chance (Target.chance). */
  onTarget: [0.35, 0.85],
  parts: [0.1, 0.6],
} as const;
/** Weight of the parts (inner lines) in the score. */
const PARTS_WEIGHT = 0.15;

export interface ScoreParts {
  silhouette: number;
  outline: number;
  onTarget: number;
  parts: number;
}

export interface ChallengeScore extends ScoreParts {
  /** 0–1. */
  score: number;
  /** What each count earns, 0–1 (its ramp; on target above chance): what explainScore ranks. */
  credit: ScoreParts;
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
  /** Within PART_TOLERANCE of an inner line. */
  nearInner: Uint8Array;
  /**
   * Share of the frame within TOLERANCE of the target's lines: the "on target"
   * that ink anywhere gets by chance. A detailed target's bands cover 40–80 %
   * of the frame (60–100 % of its inside), so a scribble over the page was 73 %
   * on target; the on-target credit counts only what is above this chance.
   */
  chance: number;
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

/**
 * Pixels (at SCORE_SIDE) of a gap in an outline that still closes it: strokes
 * drawn by hand rarely meet exactly, and an outline left open by 3 px enclosed
 * nothing (its shape was its lines, and the score fell from 85 % to 0).
 */
export const CLOSE_GAP = 3;


/**
 * What the lines enclose, lines included: everything the outside cannot reach
 * from the border without passing within `close` pixels of a line (so gaps up
 * to about 2·close are closed), with the outside then grown back to a pixel
 * from the lines (so the shape is not fattened by the closing).
 */
export function silhouetteOf(lines: Uint8Array, side: number, close = CLOSE_GAP): Uint8Array {
  // On a grid padded by `close`: a wall touching the frame's edge must not cut off the outside beyond it.
  const p = close, w = side + 2 * p;
  const padded = new Uint8Array(w * w);
  for (let y = 0; y < side; y++) padded.set(lines.subarray(y * side, (y + 1) * side), (y + p) * w + p);
  const walls = dilate(padded, w, close);
  const reached = fillFromBorder(w, w, (i) => !walls[i]);
  const outside = dilate(reached, w, close - 1);
  const lineRim = dilate(padded, w, 1);
  const sil = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y + p) * w + x + p;
      sil[y * side + x] = outside[i] && !lineRim[i] ? 0 : 1;
    }
  }
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
  const nearLines = dilate(lines, side, TOLERANCE);
  const nearInner = dilate(inner, side, PART_TOLERANCE);
  return { side, edges, silhouette, boundary, inner, nearLines, nearBoundary, nearInner, chance: count(nearLines.map((v, i) => v | nearInner[i])) / (side * side) };
}

/** The player's drawing read as the score reads it. */
export interface DrawingReading {
  /** What the player's lines enclose. */
  shape: Uint8Array;
  /** Its boundary (the player's outline). */
  boundary: Uint8Array;
  /** The player's inner lines: inside their own shape, away from their own outline. */
  inner: Uint8Array;
  /**
   * The player's line pixels that count as on the target: within TOLERANCE of
   * its lines, or an inner line within PART_TOLERANCE of one of its parts.
   */
  onTarget: Uint8Array;
}

/**
 * Reads the player's framed lines against a target. A line is an inner line by
 * where it sits in the player's own drawing (inside their shape, off their
 * outline), so a misplaced outline is not taken for parts.
 */
export function readDrawing(player: Uint8Array, target: Target): DrawingReading {
  const side = target.side;
  const shape = silhouetteOf(player, side);
  const boundary = boundaryOf(shape, side);
  const nearOutline = dilate(boundary, side, TOLERANCE);
  const inner = player.map((v, i) => v & (nearOutline[i] ^ 1));
  const onTarget = player.map((v, i) => v & (target.nearLines[i] | (inner[i] & target.nearInner[i])));
  return { shape, boundary, inner, onTarget };
}

/**
 * The parts count: the share of the target's inner lines the player's inner
 * lines cover (within PART_TOLERANCE), counted to the degree the drawing is the
 * target at all (`core`: its shape, outline and lines on target). Proximity
 * alone cannot tell a part from a scribble at SCORE_SIDE: the tolerance bands
 * of a detailed target's lines cover 60–100 % of its inside, so a scribble over
 * the whole page covered every part ("parts 100 %") while the drawing scored 0.
 * A part drawn on the target's line raises both factors, so it never lowers the
 * count. A target without inner lines is matched by a drawing without any.
 */
function partsMatch(drawing: DrawingReading, target: Target, core: number): number {
  const drawn = drawing.inner.some((v) => v);
  if (!target.inner.some((v) => v)) return drawn ? 0 : core;
  if (!drawn) return 0;
  return coverage(target.inner, dilate(drawing.inner, target.side, PART_TOLERANCE)) * core;
}

const NO_SCORE = { score: 0, silhouette: 0, outline: 0, onTarget: 0, parts: 0 };

/** Scores the player's framed lines against a target. */
export function scoreDrawing(player: Uint8Array, target: Target): ChallengeScore {
  const side = target.side;
  if (!player.some((v) => v)) return { ...NO_SCORE, credit: { ...NO_SCORE } };
  const drawing = readDrawing(player, target);
  const silhouette = iou(drawing.shape, target.silhouette);
  const outline = outlineMatch(drawing.boundary, target);
  const onTarget = coverage(player, drawing.onTarget);
  const aboveChance = target.chance < 1 ? (onTarget - target.chance) / (1 - target.chance) : 1;
  const credit = { silhouette: ramp(silhouette, RAMPS.silhouette), outline: ramp(outline, RAMPS.outline), onTarget: ramp(aboveChance, RAMPS.onTarget), parts: 0 };
  const core = Math.cbrt(credit.silhouette * credit.outline * credit.onTarget);
  const parts = partsMatch(drawing, target, core);
  credit.parts = ramp(parts, RAMPS.parts);
  const score = core * (1 - PARTS_WEIGHT + PARTS_WEIGHT * credit.parts);
  return { score, silhouette, outline, onTarget, parts, credit };
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
    [s.credit.silhouette, `shape ${pct(s.silhouette)}: close the outline so it encloses the same shape`],
    [s.credit.outline, `outline ${pct(s.outline)}: draw all around the target's edge, where it is`],
    [s.credit.onTarget, `on target ${pct(s.onTarget)}: lines away from the target's lines cost points`],
  ];
  tips.sort((a, b) => a[0] - b[0]);
  if (tips[0][0] >= 1) return s.credit.parts >= 1 ? 'Spot on.' : `Weakest: parts ${pct(s.parts)}: add the inner lines (laces, straps, eyes…).`;
  return `Weakest: ${tips[0][1]}.`;
}
