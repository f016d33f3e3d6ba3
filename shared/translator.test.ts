import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { buildGenerator } from './generator';
import { loadTheme } from './theme';
import { memorySource, packTheme, themeFileMap } from './themePack';
import { letterbox, Translator, TranslatorError } from './translator';

const S = 32;
const config = defaultConfig({ size: S, ngf: 4, ndf: 4 });
let translator: Translator;

beforeAll(async () => {
  const model = buildGenerator(config, { seed: 5 });
  // Larger weights than N(0, 0.02) so the output visibly depends on the input.
  model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => (w.shape.length === 4 ? tf.randomNormal(w.shape, 0, 0.3, 'float32', i) : w.clone()))));
  const files = themeFileMap(await packTheme(model, {
    name: 'tiny', title: 'Tiny', config, direction: 'AtoB', metrics: null,
    training: { dataset: 'none', provenance: 'test', licence: 'CC0-1.0', iterations: 0, seconds: 0, backend: 'cpu', date: '2026-01-01' },
  }, 'float16'));
  model.dispose();
  translator = await Translator.load(await loadTheme(memorySource(files, 'tiny')));
});
afterAll(() => translator.dispose());

/** RGB bytes w×h, white, with a black filled rectangle. */
function drawing(w: number, h: number, x0: number, y0: number, x1: number, y1: number, channels = 3): Uint8Array {
  const d = new Uint8Array(w * h * channels).fill(255);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < Math.min(3, channels); c++) d[(y * w + x) * channels + c] = 0;
  return d;
}
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Translator', () => {
  it('returns an int32 [S,S,3] photo in [0,255], deterministically, depending on the input', () => {
    const a = translator.translate({ data: drawing(S, S, 4, 4, 20, 20), width: S, height: S });
    const b = translator.translate({ data: drawing(S, S, 4, 4, 20, 20), width: S, height: S });
    const c = translator.translate({ data: drawing(S, S, 10, 10, 28, 28), width: S, height: S });
    expect(a.shape).toEqual([S, S, 3]);
    expect(a.dtype).toBe('int32');
    const va = values(a);
    expect(Math.min(...va)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...va)).toBeLessThanOrEqual(255);
    expect(values(b)).toEqual(va);
    expect(values(c)).not.toEqual(va);
    tf.dispose([a, b, c]);
  });

  it('treats tensors (int32 0–255, float32 0–1, with batch dim), RGBA ImageData and gray pixels alike', () => {
    const rgb = drawing(S, S, 6, 8, 24, 20);
    const rgba = new Uint8ClampedArray(S * S * 4);
    const gray = new Uint8Array(S * S);
    for (let i = 0; i < S * S; i++) {
      // Transparent background, opaque black ink: the same drawing on "paper".
      const ink = rgb[i * 3] === 0;
      rgba.set(ink ? [0, 0, 0, 255] : [12, 200, 40, 0], i * 4);
      gray[i] = rgb[i * 3];
    }
    const ref = translator.prepare({ data: rgb, width: S, height: S });
    const inputs = [
      tf.tensor3d(rgb, [S, S, 3], 'int32'),
      tf.tensor4d(rgb, [1, S, S, 3], 'int32').toFloat().div(255),
    ];
    for (const x of [...inputs, { data: rgba, width: S, height: S }, { data: gray, width: S, height: S }]) {
      const p = translator.prepare(x as never);
      expect(tf.tidy(() => p.sub(ref).abs().max().dataSync()[0])).toBeLessThan(1e-6);
      p.dispose();
    }
    tf.dispose([ref, ...inputs]);
  });

  it('letterboxes any size onto white, centred', () => {
    // A 2:1 black image becomes a black band across the middle, white above and below.
    const wide = tf.zeros([S, 2 * S, 3]) as tf.Tensor3D;
    const boxed = letterbox(wide, S);
    expect(boxed.shape).toEqual([S, S, 3]);
    const col = tf.tidy(() => values(boxed.slice([0, S / 2, 0], [S, 1, 1]).reshape([S])));
    expect(col.slice(0, S / 4 - 1).every((v) => v === 1)).toBe(true);
    expect(col.slice(S / 4 + 1, (3 * S) / 4 - 1).every((v) => v === 0)).toBe(true);
    expect(col.slice((3 * S) / 4 + 1).every((v) => v === 1)).toBe(true);
    // A thin 1-px line in a 10× larger drawing survives the reduction (area averaging, not point sampling).
    const big = drawing(320, 320, 100, 0, 101, 320);
    const small = translator.prepare({ data: big, width: 320, height: 320 });
    const minVal = tf.tidy(() => small.min().dataSync()[0]);
    expect(minVal).toBeLessThan(0.9); // in [-1,1]: a visible grey line, not lost
    tf.dispose([wide, boxed, small]);
  });

  it('doodle framing centres and enlarges a small drawing in a corner', async () => {
    const doodle = await Translator.load({ theme: translator.theme, model: translator.model, label: 'tiny', resolve: (p) => p }, { frame: 'doodle' });
    // A 2-px outlined rectangle in the top-left corner of a 200×200 page.
    const page = drawing(200, 200, 10, 10, 40, 30);
    const inner = drawing(200, 200, 12, 12, 38, 28);
    for (let i = 0; i < page.length; i++) if (inner[i] === 0) page[i] = 255;
    const x = doodle.prepare({ data: page, width: 200, height: 200 });
    const ink = tf.tidy(() => x.squeeze().slice([0, 0, 0], [-1, -1, 1]).reshape([S, S]).less(0).arraySync() as number[][]);
    const cols = ink.map((r) => r.findIndex(Boolean)).filter((v) => v >= 0);
    expect(Math.min(...cols)).toBeLessThanOrEqual(3); // spans nearly the full width
    const rows = ink.map((r) => r.some(Boolean)).reduce((a: number[], v, i) => (v ? [...a, i] : a), []);
    expect(Math.abs((rows[0] + rows[rows.length - 1]) / 2 - (S - 1) / 2)).toBeLessThanOrEqual(1); // centred vertically
    x.dispose();
  });

  it('translatePixels gives RGBA bytes; bad inputs get a TranslatorError', async () => {
    const px = await translator.translatePixels({ data: drawing(40, 20, 5, 5, 15, 15), width: 40, height: 20 });
    expect(px.data.length).toBe(S * S * 4);
    expect(px.data[3]).toBe(255);
    expect(() => translator.translate({ data: new Uint8Array(10), width: 4, height: 4 })).toThrow(TranslatorError);
    expect(() => translator.translate({ data: new Uint8Array(0), width: 0, height: 0 })).toThrow(/positive integer size/);
    const bad = tf.zeros([2, 3, 4, 5, 6]);
    expect(() => translator.translate(bad)).toThrow(/image tensor/);
    bad.dispose();
  });

  it('leaks no tensors across 1,000 calls (and warm-up)', async () => {
    // The smallest valid model keeps 1,000 calls cheap; letterboxing a 48×40 input still runs every step.
    const small = defaultConfig({ size: 16, ngf: 2, ndf: 2, nLayersD: 2 });
    const t = await Translator.load({ theme: { ...translator.theme, config: small }, model: buildGenerator(small), label: 'small', resolve: (p) => p });
    const input = { data: drawing(48, 40, 5, 5, 30, 30), width: 48, height: 40 };
    t.translate(input).dispose();
    const before = tf.memory().numTensors;
    expect(await t.warmup()).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++) t.translate(input).dispose();
    await t.translatePixels(input);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('refuses to run after dispose and frees the model', async () => {
    const other = await Translator.load({ theme: translator.theme, model: buildGenerator(config), label: 'x', resolve: (p) => p });
    const before = tf.memory().numTensors;
    const n = other.model.weights.length;
    other.dispose();
    expect(tf.memory().numTensors).toBe(before - n);
    expect(() => other.translate(tf.zeros([S, S, 3]))).toThrow(/disposed/);
  });
});
