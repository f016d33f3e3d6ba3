/**
 * Face-sketch augmentation for photos of aligned faces (cat-faces-64 and the
 * like). Such crops sit inside the head: the head outline, the ears and the
 * whiskers that everyone draws in a face doodle are outside the frame or not
 * found by an edge detector, so a model trained on the photos' own edges
 * reads a doodle's outline and whiskers as fur edges and paints a fur field.
 * This adds those drawing conventions, synthetically and at random, around
 * the photo's real edges: the model learns that they mean "a face around
 * here" and keeps drawing the face from the features it can see, and that a
 * doodle's dot eyes and triangle nose mean the eyes and nose of the photo.
 *
 * The geometry is in fractions of the side and assumes the alignment of
 * cat-faces-64, measured on its mean image: eyes at about (0.28, 0.42) and
 * (0.72, 0.42), nose tip at (0.5, 0.66). No doodles are involved.
 */
import { drawLine } from '../../shared/pixels/masks';
import type { Rng } from '../../shared/random';

/** Where the parts go, as fractions of the side (the face is centred on x = 0.5). */
const NOSE_Y = 0.66;
const EYE_Y = 0.42;
const EYE_DX = 0.22;
/** Head centre height: lower than the eyes, as drawn (a doodle's eyes sit in the upper half of the head). */
const HEAD_CENTRE_Y = 0.55;

/** How often each part is drawn, given that a sample gets a sketch. */
const PART_CHANCE = { outline: 0.8, ears: 0.75, eyes: 0.6, nose: 0.5, whiskers: 0.6, mouth: 0.35 } as const;

export type FacePart = keyof typeof PART_CHANCE;
export const ALL_FACE_PARTS = Object.keys(PART_CHANCE) as FacePart[];

export type Point = [number, number];

/** A box in face coordinates. */
export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The box around points, each grown by `r` (a stroke's half width, an eye's radius). */
export function circleBounds(points: readonly Point[], r = 0): Bounds[] {
  return points.map(([x, y]) => ({ x0: x - r, y0: y - r, x1: x + r, y1: y + r }));
}

/** The box around boxes, or null for none. */
export function unionBounds(boxes: readonly Bounds[]): Bounds | null {
  if (boxes.length === 0) return null;
  return {
    x0: Math.min(...boxes.map((b) => b.x0)), y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)), y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

/** Where the aligned face photo lies in the frame (fractions of the side): the whole frame unless it was shrunk. */
export interface FaceBox {
  x: number;
  y: number;
  side: number;
}
const WHOLE_FRAME: FaceBox = { x: 0, y: 0, side: 1 };

/** Draws a polyline of points in face coordinates (fractions of the face box) into the mask. */
function drawPolyline(mask: Uint8Array, size: number, points: Point[], box: FaceBox): void {
  const px = ([u, v]: Point) => [Math.round((box.x + u * box.side) * size), Math.round((box.y + v * box.side) * size)];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = px(points[i - 1]);
    const [x1, y1] = px(points[i]);
    drawLine(mask, size, size, x0, y0, x1, y1);
  }
}

/** The head ellipse of a sketch, in face coordinates; angle -π/2 is the top (y grows downwards). */
export interface HeadShape {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

export function inEllipse(e: HeadShape, u: number, v: number): boolean {
  return ((u - e.cx) / e.rx) ** 2 + ((v - e.cy) / e.ry) ** 2 <= 1;
}

export function pointOnHead(head: HeadShape, angle: number, scale = 1): Point {
  return [head.cx + scale * head.rx * Math.cos(angle), head.cy + scale * head.ry * Math.sin(angle)];
}

/** Two ear triangles standing on the head (base, tip, base; left ear first), jittered; `tipScale`: how far out the tips reach, in head radii. */
export function randomEars(head: HeadShape, rng: Rng, tipScale: readonly [number, number] = [1.25, 1.5]): [Point, Point, Point][] {
  return [-1, 1].map((side) => {
    const inner = -Math.PI / 2 + side * rng.uniform(0.2, 0.4);
    const outer = inner + side * rng.uniform(0.4, 0.65);
    const tip = pointOnHead(head, (inner + outer) / 2 + side * rng.uniform(0, 0.2), rng.uniform(tipScale[0], tipScale[1]));
    return [pointOnHead(head, inner), tip, pointOnHead(head, outer)];
  });
}

/** A closed polygon approximating a circle (at least 2 px across at `pixelsPerUnit`, so the stroke augmentation keeps it). */
function circle(x: number, y: number, r: number, pixelsPerUnit: number): Point[] {
  const radius = Math.max(r, 1 / pixelsPerUnit);
  const steps = 12;
  return Array.from({ length: steps + 1 }, (_, i) => [x + radius * Math.cos((2 * Math.PI * i) / steps), y + radius * Math.sin((2 * Math.PI * i) / steps)] as Point);
}

/**
 * A face doodle in face coordinates (fractions of the face box), not yet
 * drawn: polylines, and eyes as circles (drawn at least 2 px across).
 */
export interface FaceSketch {
  lines: Point[][];
  eyes: { x: number; y: number; r: number }[];
}

export interface FaceSketchOptions {
  /** Whisker length range, in face sides (default 0.25–0.45: whiskers that stay in a face crop). */
  whiskerLength?: readonly [number, number];
}

/**
 * Plans some of a face doodle's conventions: a head outline hugging the
 * frame (parts of it fall outside), ears on top of it, dots or rings for
 * eyes, a triangle nose, whiskers from the muzzle, a "w" mouth. Each part in
 * `parts` is drawn with its own probability, its size and place jittered.
 */
export function planFaceSketch(rng: Rng, parts: readonly FacePart[] = ALL_FACE_PARTS, opts: FaceSketchOptions = {}): FaceSketch {
  const lines: Point[][] = [];
  const eyes: FaceSketch['eyes'] = [];
  const draw = (part: FacePart) => parts.includes(part) && rng.chance(PART_CHANCE[part]);
  const cx = 0.5 + 0.03 * rng.normal();
  // From a head that hugs the frame (ears outside it) to one drawn smaller, ears inside: doodles are framed
  // by their ink, so where the head lands depends on the ears and whiskers around it.
  const cy = HEAD_CENTRE_Y + rng.uniform(-0.05, 0.06);
  const rx = rng.uniform(0.38, 0.6);
  const head: HeadShape = { cx, cy, rx, ry: rx * rng.uniform(0.85, 1.05) };

  if (draw('outline')) {
    const steps = 48;
    lines.push(Array.from({ length: steps + 1 }, (_, i) => pointOnHead(head, (2 * Math.PI * i) / steps)));
  }
  if (draw('ears')) lines.push(...randomEars(head, rng));
  // Eyes and nose go where the aligned photo has them: they teach the model that a drawn dot or ring is an
  // eye and a small triangle a nose (the photo's own edges there are often too faint to survive).
  if (draw('eyes')) {
    const dx = EYE_DX + rng.uniform(-0.03, 0.03);
    const y = EYE_Y + rng.uniform(-0.03, 0.03);
    const r = rng.chance(0.5) ? rng.uniform(0, 0.02) : rng.uniform(0.04, 0.08);
    for (const side of [-1, 1]) eyes.push({ x: cx + side * dx, y, r });
  }
  const noseY = NOSE_Y + rng.uniform(-0.03, 0.04);
  if (draw('nose')) {
    const w = rng.uniform(0.025, 0.045);
    const top = noseY - rng.uniform(0.03, 0.05);
    lines.push([[cx - w, top], [cx + w, top], [cx, noseY], [cx - w, top]]);
  }
  if (draw('whiskers')) {
    const [shortest, longest] = opts.whiskerLength ?? [0.25, 0.45];
    const perSide = rng.int(2, 3);
    for (const side of [-1, 1]) {
      const startX = cx + side * rng.uniform(0.09, 0.16);
      for (let k = 0; k < perSide; k++) {
        // Fanned: from slightly up to slightly down, outwards.
        const angle = -0.3 + (0.6 * k) / (perSide - 1) + 0.08 * rng.normal();
        const length = rng.uniform(shortest, longest);
        const startY = noseY + 0.02 + 0.03 * (k - (perSide - 1) / 2);
        lines.push([[startX, startY], [startX + side * length * Math.cos(angle), startY + length * Math.sin(angle)]]);
      }
    }
  }
  if (draw('mouth')) {
    const w = rng.uniform(0.06, 0.1);
    const y = noseY + rng.uniform(0.06, 0.1);
    const dip = rng.uniform(0.03, 0.05);
    lines.push([[cx - w, y - dip / 2], [cx - w / 2, y + dip / 2], [cx, y - dip / 3], [cx + w / 2, y + dip / 2], [cx + w, y - dip / 2]]);
  }
  return { lines, eyes };
}

/** The sketch's extent in face coordinates. */
export function sketchBounds(sketch: FaceSketch): Bounds | null {
  return unionBounds([...circleBounds(sketch.lines.flat()), ...sketch.eyes.flatMap((e) => circleBounds([[e.x, e.y]], e.r))]);
}

/** Returns a copy of the `size`×`size` edge mask (1 = edge) with the sketch drawn in 1 px lines, the face lying at `box`. */
export function drawFaceSketch(mask: Uint8Array, size: number, sketch: FaceSketch, box: FaceBox = WHOLE_FRAME): Uint8Array {
  const out = mask.slice();
  for (const line of sketch.lines) drawPolyline(out, size, line, box);
  for (const e of sketch.eyes) drawPolyline(out, size, circle(e.x, e.y, e.r, size * box.side), box);
  return out;
}

/**
 * Returns a copy of the edge mask with a planned face sketch drawn in
 * (planFaceSketch, drawFaceSketch); lines are 1 px (the stroke augmentation
 * that follows gives them width and wobble).
 */
export function addFaceSketch(
  mask: Uint8Array, size: number, rng: Rng, box: FaceBox = WHOLE_FRAME, parts: readonly FacePart[] = ALL_FACE_PARTS,
): Uint8Array {
  return drawFaceSketch(mask, size, planFaceSketch(rng, parts), box);
}
