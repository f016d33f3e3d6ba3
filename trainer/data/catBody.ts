/**
 * A cat's body for head composites (trainer/data/headComposite): about one
 * cat doodle in five draws the whole animal — a head on one end of a long
 * body, two to four legs, a tail — and a model that has only seen heads
 * turns that into a blob. Pure geometry in face coordinates (fractions of
 * the face box; the head is centred near (0.5, 0.5) with radii about 0.5).
 */
import type { Rng } from '../../shared/random';
import { circleBounds, inEllipse, unionBounds, type Bounds, type HeadShape, type Point } from './faceSketch';

export interface CatBody {
  /** The torso, beside and below the head. */
  torso: HeadShape;
  /** Legs as axis-aligned boxes [x0, y0, x1, y1] hanging from the torso. */
  legs: [number, number, number, number][];
  /** The tail's centre line, from the torso's far end, and its width. */
  tail: Point[];
  tailWidth: number;
}

/** A body to the left or right of `head`, its near end under the head (the neck), jittered. */
export function randomBody(head: HeadShape, rng: Rng): CatBody {
  const side = rng.chance(0.5) ? -1 : 1;
  const rx = rng.uniform(0.8, 1.3) * head.rx * 2;
  const ry = rng.uniform(0.4, 0.6) * head.ry * 2;
  // The torso's near end reaches well under the head and its back rises into the head's lower half, so
  // head and body join at a neck.
  const cx = head.cx + side * (rx - rng.uniform(0.3, 0.7) * head.rx);
  const cy = head.cy + head.ry * rng.uniform(0.5, 0.9) + ry * 0.3;
  const torso: HeadShape = { cx, cy, rx, ry };
  const legCount = rng.chance(0.6) ? 4 : 2;
  const legWidth = rng.uniform(0.12, 0.2);
  const legLength = rng.uniform(0.3, 0.6);
  const legs: CatBody['legs'] = [];
  for (let k = 0; k < legCount; k++) {
    // Spread along the torso's middle 70%, a little jitter each.
    const t = -0.7 + (1.4 * k) / (legCount - 1);
    const x = cx + t * rx + rng.uniform(-0.04, 0.04);
    legs.push([x - legWidth / 2, cy, x + legWidth / 2, cy + ry + legLength * rng.uniform(0.85, 1.15)]);
  }
  // The tail leaves the far end, goes out and curls up (or hangs down, now and then).
  const up = rng.chance(0.75) ? -1 : 1;
  const start: Point = [cx + side * rx * 0.9, cy - ry * 0.2];
  const length = rng.uniform(0.6, 1.1);
  const bend = rng.uniform(0.3, 1);
  const tail: Point[] = [];
  for (let i = 0; i <= 8; i++) {
    const t = i / 8;
    // A quarter-circle-ish arc: out first, then up (or down).
    const angle = bend * t * (Math.PI / 2);
    tail.push([start[0] + side * length * t * Math.cos(angle), start[1] + up * length * t * Math.sin(angle)]);
  }
  return { torso, legs, tail, tailWidth: rng.uniform(0.1, 0.18) };
}

/** Squared distance from (x, y) to the segment ab. */
function segmentDistance2(x: number, y: number, a: Point, b: Point): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  const px = a[0] + t * dx - x, py = a[1] + t * dy - y;
  return px * px + py * py;
}

export function inBody(body: CatBody, u: number, v: number): boolean {
  if (inEllipse(body.torso, u, v)) return true;
  for (const [x0, y0, x1, y1] of body.legs) if (u >= x0 && u <= x1 && v >= y0 && v <= y1) return true;
  const r2 = (body.tailWidth / 2) ** 2;
  for (let i = 1; i < body.tail.length; i++) if (segmentDistance2(u, v, body.tail[i - 1], body.tail[i]) <= r2) return true;
  return false;
}

export function bodyBounds(body: CatBody): Bounds {
  const { torso } = body;
  return unionBounds([
    { x0: torso.cx - torso.rx, y0: torso.cy - torso.ry, x1: torso.cx + torso.rx, y1: torso.cy + torso.ry },
    ...body.legs.map(([x0, y0, x1, y1]) => ({ x0, y0, x1, y1 })),
    ...circleBounds(body.tail, body.tailWidth / 2),
  ])!;
}
