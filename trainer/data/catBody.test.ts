import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/random';
import { bodyBounds, inBody, randomBody } from './catBody';
import type { HeadShape } from './faceSketch';

const HEAD: HeadShape = { cx: 0.5, cy: 0.52, rx: 0.53, ry: 0.51 };
const inHead = (u: number, v: number) => ((u - HEAD.cx) / HEAD.rx) ** 2 + ((v - HEAD.cy) / HEAD.ry) ** 2 <= 1;

describe('randomBody', () => {
  it('joins the head, hangs legs below the torso, puts the tail at the far end, and stays inside its bounds', () => {
    const sides = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const body = randomBody(HEAD, new Rng(seed));
      const bounds = bodyBounds(body);
      let shared = 0, outside = 0;
      for (let v = -1; v <= 4; v += 0.02) {
        for (let u = -3; u <= 4; u += 0.02) {
          if (!inBody(body, u, v)) continue;
          if (inHead(u, v)) shared++;
          if (u < bounds.x0 || u > bounds.x1 || v < bounds.y0 || v > bounds.y1) outside++;
        }
      }
      expect(shared).toBeGreaterThan(0); // the neck: head and torso overlap
      expect(outside).toBe(0);
      const torsoBottom = body.torso.cy + body.torso.ry;
      expect([2, 4]).toContain(body.legs.length);
      for (const [, , , y1] of body.legs) expect(y1).toBeGreaterThan(torsoBottom);
      const side = Math.sign(body.torso.cx - HEAD.cx);
      sides.add(side);
      // Tail: starts beyond the head on the torso's side, ends further out.
      expect(side * (body.tail[0][0] - HEAD.cx)).toBeGreaterThan(HEAD.rx);
      expect(side * (body.tail.at(-1)![0] - body.tail[0][0])).toBeGreaterThan(0);
    }
    expect(sides).toEqual(new Set([-1, 1]));
  });
});
