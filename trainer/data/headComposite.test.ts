import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../shared/pixels/masks';
import { Rng } from '../../shared/random';
import { drawFaceSketch, planFaceSketch, type FaceSketch } from './faceSketch';
import { composeHead } from './headComposite';

const SIZE = 64;

/** A face-crop stand-in: a horizontal colour ramp (so positions can be read back) with one edge line. */
function fakeFace(): { photo: Uint8Array; mask: Uint8Array } {
  const photo = new Uint8Array(SIZE * SIZE * 3);
  const mask = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      photo[i] = 4 * x; photo[i + 1] = 4 * y; photo[i + 2] = 30;
    }
  }
  for (let x = 10; x < 54; x++) mask[32 * SIZE + x] = 1;
  return { photo, mask };
}

describe('composeHead', () => {
  it('puts the photo inside a head on a plain backdrop, with the silhouette and the shrunk photo edges as edges', () => {
    const { photo, mask } = fakeFace();
    for (let seed = 0; seed < 20; seed++) {
      const head = composeHead(photo, mask, SIZE, new Rng(seed));
      const { box } = head;
      expect(box.side).toBeGreaterThan(0.4);
      expect(box.side).toBeLessThanOrEqual(0.8);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.side).toBeLessThanOrEqual(1);
      // Backdrop: each top-corner pair of a row has the same colour (plain, vertical gradient only), unlike the photo.
      for (const y of [0, 1, 2]) {
        for (let c = 0; c < 3; c++) expect(head.photo[(y * SIZE) * 3 + c]).toBe(head.photo[(y * SIZE + SIZE - 1) * 3 + c]);
      }
      // The face centre shows the photo's centre (the ramp's value there).
      const cx = Math.floor((box.x + 0.5 * box.side) * SIZE), cy = Math.floor((box.y + 0.5 * box.side) * SIZE);
      expect(Math.abs(head.photo[(cy * SIZE + cx) * 3] - 128)).toBeLessThan(12);
      expect(Math.abs(head.photo[(cy * SIZE + cx) * 3 + 1] - 128)).toBeLessThan(12);
      // Edges: one big closed outline (the silhouette) plus the photo's line, shrunk into the face box.
      const { sizes } = labelComponents(head.mask, SIZE, SIZE);
      const biggest = Math.max(...sizes.slice(1));
      expect(biggest).toBeGreaterThan(2.5 * box.side * SIZE);
      const lineY = Math.floor((box.y + (32.5 / SIZE) * box.side) * SIZE);
      let onLine = 0;
      for (let x = 0; x < SIZE; x++) onLine += head.mask[lineY * SIZE + x];
      expect(onLine).toBeGreaterThan(0.6 * 44 * box.side);
      // The backdrop's corners carry no edges.
      expect(head.mask[(SIZE - 1) * SIZE]).toBe(0);
      expect(head.mask[SIZE * SIZE - 1]).toBe(0);
    }
  });

  it('frames the head, ears and sketch as a doodle is framed: ink box centred, 2–16% margins, long whiskers make a small head', () => {
    const { photo, mask } = fakeFace();
    const whiskers: FaceSketch = { lines: [[[0.4, 0.7], [-0.6, 0.65]], [[0.6, 0.7], [1.6, 0.75]]], eyes: [] };
    for (let seed = 0; seed < 20; seed++) {
      const plain = composeHead(photo, mask, SIZE, new Rng(seed));
      const whiskered = composeHead(photo, mask, SIZE, new Rng(seed), { sketch: whiskers });
      expect(whiskered.box.side).toBeLessThan(0.75 * plain.box.side);
      for (const [head, sketch] of [[plain, undefined], [whiskered, whiskers]] as const) {
        const ink = sketch ? drawFaceSketch(head.mask, SIZE, sketch, head.box) : head.mask;
        let x0 = SIZE, y0 = SIZE, x1 = -1, y1 = -1;
        for (let y = 0; y < SIZE; y++) {
          for (let x = 0; x < SIZE; x++) {
            if (!ink[y * SIZE + x]) continue;
            x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
          }
        }
        const longer = (Math.max(x1 - x0, y1 - y0) + 1) / SIZE;
        expect(longer).toBeGreaterThan(1 - 2 * 0.16 - 0.05);
        expect(longer).toBeLessThan(1 - 2 * 0.02 + 0.03);
        expect(Math.abs((x0 + x1 + 1) / 2 / SIZE - 0.5)).toBeLessThan(0.05);
        expect(Math.abs((y0 + y1 + 1) / 2 / SIZE - 0.5)).toBeLessThan(0.05);
      }
    }
    // A planned sketch with long whiskers, as the trainer draws on composites, stays inside the frame.
    const sketch = planFaceSketch(new Rng(5), ['whiskers'], { whiskerLength: [0.9, 1] });
    const head = composeHead(photo, mask, SIZE, new Rng(5), { sketch });
    expect(head.box.x).toBeGreaterThan(0.1);
  });

  it('is deterministic for a seed, different across seeds, and leaves its inputs alone', () => {
    const { photo, mask } = fakeFace();
    const before = [photo.slice(), mask.slice()];
    const a = composeHead(photo, mask, SIZE, new Rng(7));
    expect(composeHead(photo, mask, SIZE, new Rng(7))).toEqual(a);
    expect(composeHead(photo, mask, SIZE, new Rng(8)).photo).not.toEqual(a.photo);
    expect([photo, mask]).toEqual(before);
  });
});

describe('composeHead bodies', () => {
  it('puts a body behind the head when asked: a wide silhouette, the head small on one end, fur on a plain backdrop', () => {
    const { photo, mask } = fakeFace();
    let wide = 0;
    const n = 30;
    for (let seed = 0; seed < n; seed++) {
      const head = composeHead(photo, mask, SIZE, new Rng(100 + seed), { body: true });
      let x0 = SIZE, x1 = -1, y0 = SIZE, y1 = -1;
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          if (!head.mask[y * SIZE + x]) continue;
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
      if (x1 - x0 > 1.2 * (y1 - y0)) wide++;
      expect(head.box.side).toBeLessThan(0.45);
      // The head's centre is off to one side of the frame.
      expect(Math.abs(head.box.x + head.box.side / 2 - 0.5)).toBeGreaterThan(0.08);
      // One connected outline around head and body (plus the head's own outline inside it).
      const { sizes } = labelComponents(head.mask, SIZE, SIZE);
      expect(Math.max(...sizes.slice(1))).toBeGreaterThan(2 * SIZE);
    }
    expect(wide / n).toBeGreaterThan(0.6);
  });
});
