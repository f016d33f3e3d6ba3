/**
 * A sparse doodle made from a product photo and its edge map: the object's
 * silhouette outline plus a random few of the edge map's inner line pieces.
 *
 * Why: players draw quick closed outlines with few inner lines (see
 * ../shared/doodles), not the dense detector edges of edges2shoes. A GPU-trained
 * generator that has only seen dense edges paints blotches into the empty
 * inside of a doodle; trained on these, it learns to fill an outline with the
 * object and keep the white backdrop around it.
 */
import type { Rng } from '../../shared/random';
import { fillFromBorder, labelComponents, thin } from '../../shared/pixels/masks';
import { renderEdgeImage, strokeAugment } from '../../shared/pixels/strokes';
import { strokeWidthsFor } from './augment';

/** A photo pixel is backdrop when every channel is at least this (product photos on white). */
const BACKDROP_LEVEL = 235;
/** Ink threshold (0–255) for the edge map's lines. */
const INK_THRESHOLD = 224;
/** Inner line pieces kept: each with probability drawn once per sample in [0, this]. */
const MAX_INNER_SHARE = 0.5;

/**
 * The doodle as a black-on-white RGB image (size × size), or null when the
 * photo has no object on a white backdrop to outline (then the caller keeps
 * another input). `photo` and `edges` are interleaved RGB bytes.
 */
export function outlineDoodle(photo: Uint8Array, edges: Uint8Array, size: number, rng: Rng): Uint8Array | null {
  const n = size * size;
  const backdrop = fillFromBorder(size, size, (i) => photo[i * 3] >= BACKDROP_LEVEL && photo[i * 3 + 1] >= BACKDROP_LEVEL && photo[i * 3 + 2] >= BACKDROP_LEVEL);
  let objectPixels = 0;
  for (let i = 0; i < n; i++) objectPixels += 1 - backdrop[i];
  // Nothing to outline, or no backdrop around it (a photo that fills the frame).
  if (objectPixels < 0.03 * n || objectPixels > 0.97 * n) return null;
  const lines = new Uint8Array(n);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      // Where the object runs off the frame there is no line: a player draws the object, not the frame.
      if (backdrop[i] || x === 0 || y === 0 || x === size - 1 || y === size - 1) continue;
      if (backdrop[i - 1] || backdrop[i + 1] || backdrop[i - size] || backdrop[i + size]) lines[i] = 1;
    }
  }
  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = !backdrop[i] && (edges[i * 3] + edges[i * 3 + 1] + edges[i * 3 + 2]) / 3 < INK_THRESHOLD ? 1 : 0;
  const { labels, sizes } = labelComponents(thin(ink, size, size), size, size);
  const share = rng.next() * MAX_INNER_SHARE;
  const keep = sizes.map(() => rng.next() < share);
  for (let i = 0; i < n; i++) if (labels[i] && keep[labels[i]]) lines[i] = 1;
  return renderEdgeImage(strokeAugment(thin(lines, size, size), size, size, rng, strokeWidthsFor(size)), size, size);
}
