import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { boundaryOf, CLOSE_GAP, frameMask, inkMask, makeTarget, PART_TOLERANCE, SCORE_SIDE, scoreDrawing, silhouetteOf, type Target } from './challengeScore';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CANVAS = 256;

/** A player's canvas (CANVAS², pen 3 px) with polylines drawn on it (points in 0..1). */
function drawn(lines: [number, number][][], width = 3): Uint8Array {
  const m = new Uint8Array(CANVAS * CANVAS);
  const r = width / 2;
  const dot = (x: number, y: number) => {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const px = Math.round(x + dx), py = Math.round(y + dy);
      if (px >= 0 && py >= 0 && px < CANVAS && py < CANVAS) m[py * CANVAS + px] = 1;
    }
  };
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [x0, y0] = line[i - 1].map((v) => v * CANVAS), [x1, y1] = line[i].map((v) => v * CANVAS);
      const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
      for (let k = 0; k <= n; k++) dot(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n);
    }
  }
  return m;
}

/** A pseudo-random generator with a seed (a scribble must be the same every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function loadTarget(file: string): Target {
  const png = PNG.sync.read(readFileSync(file));
  return makeTarget(frameMask(inkMask(png.data, png.width, png.height), png.width, png.height));
}

/** A player's trace of a target's outline: its silhouette boundary, drawn on the canvas with a 3 px pen, drawn small in a corner. */
function tracedOutline(t: Target, scale = 1, offset = 0): Uint8Array {
  const b = boundaryOf(t.silhouette, t.side);
  const m = new Uint8Array(CANVAS * CANVAS);
  const k = (CANVAS / t.side) * scale;
  for (let y = 0; y < t.side; y++) for (let x = 0; x < t.side; x++) {
    if (!b[y * t.side + x]) continue;
    for (let dy = 0; dy < Math.max(3, k); dy++) for (let dx = 0; dx < Math.max(3, k); dx++) {
      const px = Math.floor(offset + x * k + dx), py = Math.floor(offset + y * k + dy);
      if (px < CANVAS && py < CANVAS) m[py * CANVAS + px] = 1;
    }
  }
  return m;
}

const framed = (canvas: Uint8Array) => frameMask(canvas, CANVAS, CANVAS);

/** Paints a SCORE_SIDE mask onto a player's canvas (4 px blocks, as a 3–4 px pen draws), shifted by (dx, dy) score pixels, where keep says. */
function paintMask(canvas: Uint8Array, mask: Uint8Array, dx = 0, dy = 0, keep: (x: number, y: number) => boolean = () => true): Uint8Array {
  const k = CANVAS / SCORE_SIDE;
  for (let y = 0; y < SCORE_SIDE; y++) for (let x = 0; x < SCORE_SIDE; x++) {
    if (!mask[y * SCORE_SIDE + x] || !keep(x, y)) continue;
    for (let py = (y + dy) * k; py < (y + dy + 1) * k; py++) for (let px = (x + dx) * k; px < (x + dx + 1) * k; px++) {
      if (px >= 0 && py >= 0 && px < CANVAS && py < CANVAS) canvas[py * CANVAS + px] = 1;
    }
  }
  return canvas;
}

/** The connected pieces (8-neighbour) of a mask with at least `min` pixels: a target's parts, one stroke each. */
function pieces(mask: Uint8Array, min = 4): Uint8Array[] {
  const seen = new Uint8Array(mask.length);
  const out: Uint8Array[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || seen[i]) continue;
    const piece = new Uint8Array(mask.length);
    const stack = [i];
    seen[i] = 1;
    let n = 0;
    while (stack.length) {
      const j = stack.pop()!;
      piece[j] = 1;
      n++;
      const x = j % SCORE_SIDE, y = Math.floor(j / SCORE_SIDE);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy, k = ny * SCORE_SIDE + nx;
        if (nx >= 0 && ny >= 0 && nx < SCORE_SIDE && ny < SCORE_SIDE && mask[k] && !seen[k]) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
    if (n >= min) out.push(piece);
  }
  return out;
}

const GALLERIES = ['shoes', 'handbags'].map((theme) => ({
  theme,
  files: [1, 2, 3, 4, 5].map((i) => path.join(ROOT, `assets/themes/${theme}/gallery/0${i}-edges.png`)).filter(existsSync),
})).filter((g) => g.files.length >= 2);

describe('challenge score', () => {
  it('frames and closes shapes: a drawn square encloses its inside', () => {
    const sq = framed(drawn([[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]]]));
    const sil = silhouetteOf(sq, SCORE_SIDE);
    expect(sil[32 * SCORE_SIDE + 32]).toBe(1);
    expect(sil[0]).toBe(0);
  });

  it('a blank canvas scores 0', () => {
    const t = makeTarget(framed(drawn([[[0.2, 0.3], [0.8, 0.3], [0.8, 0.7], [0.2, 0.7], [0.2, 0.3]]])));
    expect(scoreDrawing(new Uint8Array(SCORE_SIDE * SCORE_SIDE), t).score).toBe(0);
  });

  it.runIf(GALLERIES.length > 0).each(GALLERIES)('$theme gallery: blank, a line and scribbles < 30 %; traced outlines ≥ 80 %; another target lower, clearly on average', ({ files }) => {
    const targets = files.map(loadTarget);
    const rand = rng(7);
    const rows: string[] = [];
    targets.forEach((t, i) => {
      const blank = scoreDrawing(framed(new Uint8Array(CANVAS * CANVAS)), t).score;
      const line = Math.max(
        scoreDrawing(framed(drawn([[[0.1, 0.5], [0.9, 0.5]]])), t).score,
        scoreDrawing(framed(drawn([[[0.1, 0.8], [0.9, 0.8]]])), t).score,
        scoreDrawing(framed(drawn([[[0.1, 0.2], [0.9, 0.85]]])), t).score,
      );
      const scribbles = Array.from({ length: 6 }, () =>
        scoreDrawing(framed(drawn([Array.from({ length: 8 + Math.floor(rand() * 20) }, () => [0.1 + 0.8 * rand(), 0.1 + 0.8 * rand()] as [number, number])])), t).score);
      const traced = scoreDrawing(framed(tracedOutline(t)), t);
      const tracedSmall = scoreDrawing(framed(tracedOutline(t, 0.4, 10)), t).score;
      const others = targets.filter((_, j) => j !== i).map((o) => scoreDrawing(framed(tracedOutline(o)), t).score);
      rows.push(`${path.basename(files[i])}: blank ${blank} line ${line.toFixed(2)} scribble ≤ ${Math.max(...scribbles).toFixed(2)} traced ${traced.score.toFixed(2)} (small ${tracedSmall.toFixed(2)}) others ${others.map((v) => v.toFixed(2)).join(' ')}`);
      expect(blank).toBe(0);
      expect(line).toBeLessThan(0.3);
      expect(Math.max(...scribbles)).toBeLessThan(0.3);
      expect(traced.score, JSON.stringify(traced)).toBeGreaterThanOrEqual(0.8);
      expect(tracedSmall).toBeGreaterThanOrEqual(0.8);
      // Two shoes of nearly the same shape can come close: every other outline is lower, and clearly so on average.
      expect(Math.max(...others)).toBeLessThan(traced.score);
      expect(others.reduce((a, b) => a + b, 0) / others.length).toBeLessThan(traced.score - 0.3);
    });
    console.log(rows.join('\n'));
  });

  it.runIf(GALLERIES.length > 0).each(GALLERIES)('$theme gallery: adding a part where the target has one (on its line or up to PART_TOLERANCE beside it) never lowers the score or the parts count', ({ files }) => {
    for (const file of files) {
      const t = loadTarget(file);
      const outline = boundaryOf(t.silhouette, t.side);
      for (const [dx, dy] of [[0, 0], [PART_TOLERANCE, 0], [0, -PART_TOLERANCE], [2, 2]]) {
        const canvas = paintMask(new Uint8Array(CANVAS * CANVAS), outline);
        let previous = scoreDrawing(framed(canvas), t);
        const start = previous;
        for (const part of pieces(t.inner)) {
          const now = scoreDrawing(framed(paintMask(canvas, part, dx, dy)), t);
          expect(now.score, `${path.basename(file)} part shifted (${dx}, ${dy}): ${JSON.stringify(previous)} → ${JSON.stringify(now)}`).toBeGreaterThanOrEqual(previous.score);
          expect(now.parts).toBeGreaterThanOrEqual(previous.parts);
          previous = now;
        }
        // All the parts drawn: the parts count says so.
        if (pieces(t.inner).length) expect(previous.parts).toBeGreaterThan(Math.max(0.8, start.parts));
      }
    }
  });

  it.runIf(GALLERIES.length > 0).each(GALLERIES)('$theme gallery: a scribble all over the page covers the parts but does not count them (parts < 30 %, not 100 %), and scores < 30 %', ({ files }) => {
    const rand = rng(11);
    for (const file of files) {
      const t = loadTarget(file);
      for (let k = 0; k < 4; k++) {
        const scribble = drawn([Array.from({ length: 30 + 10 * k }, () => [0.02 + 0.96 * rand(), 0.02 + 0.96 * rand()] as [number, number])], 3 + (k % 2));
        const s = scoreDrawing(framed(scribble), t);
        expect(s.parts, `${path.basename(file)}: ${JSON.stringify(s)}`).toBeLessThan(0.3);
        expect(s.score).toBeLessThan(0.3);
      }
    }
  });

  it.runIf(GALLERIES.length > 0).each(GALLERIES)(`$theme gallery: an outline left open by a gap of up to ${CLOSE_GAP} px still encloses the shape`, ({ files }) => {
    for (const file of files) {
      const t = loadTarget(file);
      const outline = boundaryOf(t.silhouette, t.side);
      const closed = scoreDrawing(framed(paintMask(new Uint8Array(CANVAS * CANVAS), outline)), t);
      // The gap: the outline's pixels in a band CLOSE_GAP wide across the top half, right of the centre.
      const open = scoreDrawing(framed(paintMask(new Uint8Array(CANVAS * CANVAS), outline, 0, 0, (x, y) => !(y < SCORE_SIDE / 2 && x >= 36 && x < 36 + CLOSE_GAP))), t);
      expect(open.silhouette, path.basename(file)).toBeGreaterThan(closed.silhouette - 0.05);
      expect(open.score).toBeGreaterThanOrEqual(Math.min(0.8, closed.score - 0.05));
    }
  });
});
