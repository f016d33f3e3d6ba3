/**
 * Head composites for photos of aligned faces. A face doodle is a whole head
 * — an outline with two ears, the face inside, background around — while
 * face crops like cat-faces-64 are all face. This shrinks the crop into a
 * head: the photo fills an ellipse, two ears (fur sampled from the forehead,
 * a pinkish inside) stand on it, a body behind it if asked (catBody), and a
 * plain backdrop surrounds it. The edge map gets the real silhouette and the
 * photo's own edges, shrunk with it, so the outline a player draws is an
 * outline the model has seen around a photo; everything drawn is framed as
 * a player's doodle is framed. Pure pixel code: size×size RGB (0–255) and
 * edge masks (1 = edge).
 */
import { maskBoundary } from '../../shared/pixels/photoEdges';
import type { Rng } from '../../shared/random';
import { bodyBounds, inBody, randomBody, type CatBody } from './catBody';
import { circleBounds, inEllipse, randomEars, sketchBounds, unionBounds, type Bounds, type FaceBox, type FaceSketch, type HeadShape, type Point } from './faceSketch';

/**
 * Margin around the drawing's ink, per side as a fraction of the frame: the head (with ears and any
 * sketch) is placed the way a player's drawing is framed at inference (shared/doodleFraming normalizeDoodle,
 * the cats theme's input.margin), so long whiskers mean a smaller head, as in a doodle.
 */
const INK_MARGIN = [0.02, 0.16] as const;
/** Largest face side, as a fraction of the frame (a head without whiskers would otherwise fill it). */
const MAX_FACE_SIDE = 0.8;
/** Ear tips, in head radii from the centre: as big as doodled ears. */
const EAR_TIP = [1.45, 1.8] as const;
/** Inner-ear colour, blended into the fur. */
const EAR_PINK = [214, 158, 150] as const;

export interface HeadCompositeOptions {
  /** A face sketch to be drawn on the head (in face coordinates): framed with it. */
  sketch?: FaceSketch;
  /** Put a body (torso, legs, tail) behind the head, as some doodles draw the whole cat. */
  body?: boolean;
}

export interface HeadComposite {
  photo: Uint8Array;
  mask: Uint8Array;
  /** Where the face now lies (for a sketch of eyes and whiskers on top). */
  box: FaceBox;
}

/** Is (x, y) inside the triangle abc (either winding)? */
function inTriangle(x: number, y: number, [a, b, c]: [Point, Point, Point]): boolean {
  const cross = (p: Point, q: Point) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = cross(a, b), d2 = cross(b, c), d3 = cross(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Bilinear sample of a size×size RGB image at (u, v) in [0, 1] (clamped), into out[0..2]. */
function sampleBilinear(rgb: Uint8Array, size: number, u: number, v: number, out: number[]): void {
  const x = Math.min(size - 1, Math.max(0, u * size - 0.5));
  const y = Math.min(size - 1, Math.max(0, v * size - 0.5));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(size - 1, x0 + 1), y1 = Math.min(size - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  for (let c = 0; c < 3; c++) {
    const top = rgb[(y0 * size + x0) * 3 + c] * (1 - fx) + rgb[(y0 * size + x1) * 3 + c] * fx;
    const bottom = rgb[(y1 * size + x0) * 3 + c] * (1 - fx) + rgb[(y1 * size + x1) * 3 + c] * fx;
    out[c] = top * (1 - fy) + bottom * fy;
  }
}

/** Reflects t into [lo, hi] (mirrored tiling), for fur sampled from a patch of the photo. */
function mirror(t: number, lo: number, hi: number): number {
  const span = hi - lo;
  const p = (((t - lo) % (2 * span)) + 2 * span) % (2 * span);
  return lo + (p <= span ? p : 2 * span - p);
}

/** Where the face box goes so that everything drawn (each box in face coordinates) is framed like a doodle. */
function frameInk(drawn: Bounds[], rng: Rng): FaceBox {
  const { x0, y0, x1, y1 } = unionBounds(drawn)!;
  const margin = rng.uniform(INK_MARGIN[0], INK_MARGIN[1]);
  const side = Math.min(MAX_FACE_SIDE, (1 - 2 * margin) / Math.max(x1 - x0, y1 - y0));
  // Centred, as normalizeDoodle centres the ink's box; a little jitter for the drawings' own imprecision.
  const jitter = () => rng.uniform(-0.02, 0.02);
  return { x: 0.5 - side * (x0 + x1) / 2 + jitter(), y: 0.5 - side * (y0 + y1) / 2 + jitter(), side };
}

/**
 * Shrinks an aligned face photo (and its edge mask) into a head with ears on
 * a plain backdrop, with a body (torso, legs, tail) behind it if asked. The
 * head, its ears, the body and the sketch to be drawn on it are framed
 * together as a doodle is: their bounding box centred, with a random margin.
 * Returns new arrays; the caller draws the sketch at the returned box.
 */
export function composeHead(
  photo: Uint8Array, mask: Uint8Array, size: number, rng: Rng, { sketch, body: withBody = false }: HeadCompositeOptions = {},
): HeadComposite {
  // The head in face coordinates: a little wider than the crop (its edge pixels are repeated there), its
  // centre below the eyes as in a real head.
  const head: HeadShape = { cx: 0.5, cy: 0.52, rx: rng.uniform(0.5, 0.56), ry: rng.uniform(0.48, 0.54) };
  const ears = randomEars(head, rng, EAR_TIP);
  const body: CatBody | null = withBody ? randomBody(head, rng) : null;
  const drawn: Bounds[] = [{ x0: head.cx - head.rx, y0: head.cy - head.ry, x1: head.cx + head.rx, y1: head.cy + head.ry }, ...circleBounds(ears.flat())];
  if (body) drawn.push(bodyBounds(body));
  const sketched = sketch && sketchBounds(sketch);
  if (sketched) drawn.push(sketched);
  const box = frameInk(drawn, rng);
  // Inner ears: the ear triangles shrunk towards their base's midpoint.
  const innerEars = ears.map(([a, tip, b]) => {
    const m: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const toward = (p: Point, t: number): Point => [m[0] + (p[0] - m[0]) * t, m[1] + (p[1] - m[1]) * t];
    return [toward(a, 0.55), toward(tip, 0.7), toward(b, 0.55)] as [Point, Point, Point];
  });

  // Backdrop: a plain, slightly tinted grey with a soft vertical gradient, as behind a studio portrait.
  const grey = rng.uniform(110, 235);
  const tint = [0, 1, 2].map(() => rng.uniform(-14, 14));
  const gradient = rng.uniform(-25, 25);
  const pinkShare = rng.uniform(0.3, 0.6);

  const out = new Uint8Array(size * size * 3);
  const silhouette = new Uint8Array(size * size);
  // The head and ears alone: a doodle outlines the head even where it overlaps the body.
  const headSilhouette = new Uint8Array(size * size);
  const colour = [0, 0, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = ((x + 0.5) / size - box.x) / box.side;
      const v = ((y + 0.5) / size - box.y) / box.side;
      const i = y * size + x;
      if (inEllipse(head, u, v)) {
        sampleBilinear(photo, size, u, v, colour);
        silhouette[i] = headSilhouette[i] = 1;
      } else if (inTriangle(u, v, ears[0]) || inTriangle(u, v, ears[1])) {
        // Fur mirrored from the forehead of the same column, so the ears carry the coat's colour and texture.
        sampleBilinear(photo, size, u, Math.min(0.25, Math.max(0.02, -v)), colour);
        if (inTriangle(u, v, innerEars[0]) || inTriangle(u, v, innerEars[1])) {
          for (let c = 0; c < 3; c++) colour[c] = colour[c] * (1 - pinkShare) + EAR_PINK[c] * pinkShare;
        }
        silhouette[i] = headSilhouette[i] = 1;
      } else if (body && inBody(body, u, v)) {
        // Fur tiled (mirrored) from the forehead and cheeks, darker towards the belly and on the legs for volume.
        sampleBilinear(photo, size, mirror(u * 0.8, 0.1, 0.9), mirror(v * 0.8, 0.03, 0.3), colour);
        const below = Math.max(0, (v - body.torso.cy) / body.torso.ry);
        const shade = 1 - 0.3 * Math.min(1, below);
        for (let c = 0; c < 3; c++) colour[c] *= shade;
        silhouette[i] = 1;
      } else {
        for (let c = 0; c < 3; c++) colour[c] = grey + tint[c] + gradient * (y / size - 0.5);
      }
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[c])));
    }
  }

  // Edges: the photo's own, shrunk with it (each edge pixel moved, so thin lines stay connected enough for
  // the stroke augmentation to redraw) and kept inside the head, plus the boundaries of the whole silhouette
  // and of the head.
  const edges = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      const u = (x + 0.5) / size, v = (y + 0.5) / size;
      const tx = Math.floor((box.x + u * box.side) * size), ty = Math.floor((box.y + v * box.side) * size);
      if (tx >= 0 && tx < size && ty >= 0 && ty < size && headSilhouette[ty * size + tx]) edges[ty * size + tx] = 1;
    }
  }
  const outline = maskBoundary(silhouette, size, size);
  const headOutline = body ? maskBoundary(headSilhouette, size, size) : outline;
  for (let i = 0; i < edges.length; i++) edges[i] |= outline[i] | headOutline[i];
  return { photo: out, mask: edges, box };
}
