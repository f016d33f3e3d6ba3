import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkHints, frameHints, HINT_RADIUS_RANGE, HintError, letterboxFraming, paintHints, renderHintChannels, sampleHints, withHintChannels } from './colourHints';
import { defaultConfig, HINT_CHANNELS } from './config';
import { normalizeDoodle } from './doodleFraming';
import { buildGenerator } from './generator';
import { Rng } from './random';
import { Translator } from './translator';
import type { LoadedTheme } from './theme';

const S = 32;

describe('renderHintChannels', () => {
  it('paints a disc of the hint colour in [-1,1] with mask 1, and nothing elsewhere', () => {
    const ch = renderHintChannels([{ x: 10, y: 12, radius: 3, rgb: [255, 0, 128] }], S);
    const at = (x: number, y: number) => Array.from(ch.slice((y * S + x) * HINT_CHANNELS, (y * S + x + 1) * HINT_CHANNELS));
    expect(at(10, 12)).toEqual([1, -1, expect.closeTo(128 / 255 * 2 - 1, 6), 1]);
    expect(at(10, 16)).toEqual([0, 0, 0, 0]); // 4.5 px from the centre
    let covered = 0;
    for (let p = 0; p < S * S; p++) covered += ch[p * HINT_CHANNELS + 3];
    expect(covered).toBeGreaterThan(Math.PI * 9 * 0.7);
    expect(covered).toBeLessThan(Math.PI * 9 * 1.4);
  });
  it('interleaves with the edges and paints over them for display', () => {
    const edges = new Float32Array(S * S * 3).fill(1);
    const ch = renderHintChannels([{ x: 5, y: 5, radius: 2, rgb: [0, 0, 255] }], S);
    const input = withHintChannels(edges, ch, S);
    expect(input.length).toBe(S * S * 7);
    const p = 5 * S + 5;
    expect(Array.from(input.slice(p * 7, p * 7 + 7))).toEqual([1, 1, 1, -1, -1, 1, 1]);
    expect(Array.from(paintHints(edges, ch, S).slice(p * 3, p * 3 + 3))).toEqual([-1, -1, 1]);
  });
});

describe('sampleHints', () => {
  // A red square object on white paper.
  const photo = new Float32Array(S * S * 3).fill(1);
  for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) photo.set([0.6, -0.8, -0.8], (y * S + x) * 3);

  it('takes dabs on the object with its local colour, deterministically', () => {
    const a = sampleHints(photo, S, 6, new Rng(3));
    const b = sampleHints(photo, S, 6, new Rng(3));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThanOrEqual(6);
    for (const h of a) {
      expect(h.x).toBeGreaterThanOrEqual(8 - h.radius * 5);
      expect(h.radius).toBeGreaterThanOrEqual(S * HINT_RADIUS_RANGE[0]);
      expect(h.radius).toBeLessThanOrEqual(S * HINT_RADIUS_RANGE[1]);
    }
    // The first dab of each hint starts inside the object; its colour is the object's red.
    const first = a[0];
    expect(first.x).toBeGreaterThan(8);
    expect(first.x).toBeLessThan(24);
    // (A dab near the object's edge averages in some white paper.)
    expect(first.rgb[0] - first.rgb[1]).toBeGreaterThan(80);
    expect(first.rgb[1]).toBe(first.rgb[2]);
  });
  it('gives no hints for count 0', () => {
    expect(sampleHints(photo, S, 0, new Rng(1))).toEqual([]);
  });
});

describe('frameHints', () => {
  it('puts a dab where normalizeDoodle puts the drawing under it', () => {
    // A 200×100 drawing: a rectangle outline with a dot at (150, 60).
    const w = 200, h = 100;
    const rgb = new Uint8Array(w * h * 3).fill(255);
    const ink = (x: number, y: number) => rgb.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    for (let x = 40; x <= 170; x++) { ink(x, 20); ink(x, 80); }
    for (let y = 20; y <= 80; y++) { ink(40, y); ink(170, y); }
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) ink(150 + dx, 60 + dy);
    const framed = normalizeDoodle(rgb, w, h, 3, { size: 64, strokeWidth: 1 });
    const [dab] = frameHints([{ x: 150.5, y: 60.5, radius: 4, rgb: [255, 0, 0] }], framed.framing!, 64);
    // The model pixel under the mapped dab centre is ink of the framed dot.
    const px = Math.floor(dab.x), py = Math.floor(dab.y);
    let near = false;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) near ||= framed.mask[(py + dy) * 64 + px + dx] === 1;
    expect(near).toBe(true);
    // Radii are clamped into the trained range.
    expect(dab.radius).toBeGreaterThanOrEqual(64 * HINT_RADIUS_RANGE[0]);
    expect(dab.radius).toBeLessThanOrEqual(64 * HINT_RADIUS_RANGE[1]);
  });
  it('letterbox framing maps the drawing centre to the model centre', () => {
    const [d] = frameHints([{ x: 100, y: 50, radius: 1, rgb: [0, 0, 0] }], letterboxFraming(200, 100, 64), 64);
    expect(d.x).toBeCloseTo(32, 6);
    expect(d.y).toBeCloseTo(32, 6);
  });
});

describe('checkHints', () => {
  it('names the malformed hint', () => {
    expect(() => checkHints([{ x: 1, y: 2, radius: 3, rgb: [0, 0, 0] }, { x: 1, y: 2, radius: 0, rgb: [0, 0, 0] }])).toThrow(/hints\[1\]/);
    expect(() => checkHints([{ x: 1, y: 2, radius: 3, rgb: [0, 300, 0] }])).toThrow(HintError);
    expect(() => checkHints('red')).toThrow(/must be a list/);
  });
});

describe('Translator with a colour-hint theme', () => {
  it('feeds the hints to the model (output changes), ignores none, and leaks nothing', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, upsample: 'resize', colourHints: true, dropout: false, norm: 'instance' });
    const model = buildGenerator(config, { seed: 2 });
    const theme = { name: 't', title: 'T', config, direction: 'AtoB', input: { frame: 'letterbox' } } as unknown as LoadedTheme['theme'];
    const t = await Translator.load({ theme, model, label: 'test', resolve: (p: string) => p } as LoadedTheme);
    expect(t.takesHints).toBe(true);
    // White paper with a black square outline's worth of ink.
    const drawing = tf.tidy(() => tf.pad(tf.zeros([12, 12, 3]), [[10, 10], [10, 10], [0, 0]], 1));
    const before = tf.memory().numTensors;
    const plain = t.translate(drawing);
    const hinted = t.translate(drawing, 'letterbox', [{ x: 16, y: 16, radius: 4, rgb: [255, 0, 0] }]);
    const diff = tf.tidy(() => plain.sub(hinted).abs().max().dataSync()[0]);
    tf.dispose([plain, hinted]);
    expect(diff).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => t.translate(drawing, 'letterbox', [{ x: 1, y: 1, radius: -1, rgb: [0, 0, 0] }])).toThrow(/hints\[0\]/);
    drawing.dispose();
    t.dispose();
  });
});
