import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkHints, HintError, letterboxFraming, placeDabs } from './colourHints';
import { defaultConfig } from './config';
import { normalizeDoodle } from './doodleFraming';
import { buildGenerator } from './generator';
import { Translator } from './translator';
import type { LoadedTheme } from './theme';

describe('placeDabs', () => {
  it('puts a dab where normalizeDoodle puts the drawing under it, its radius scaled alike', () => {
    // A 200×100 drawing: a rectangle outline with a dot at (150, 60).
    const w = 200, h = 100;
    const rgb = new Uint8Array(w * h * 3).fill(255);
    const ink = (x: number, y: number) => rgb.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    for (let x = 40; x <= 170; x++) { ink(x, 20); ink(x, 80); }
    for (let y = 20; y <= 80; y++) { ink(40, y); ink(170, y); }
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) ink(150 + dx, 60 + dy);
    const framed = normalizeDoodle(rgb, w, h, 3, { size: 64, strokeWidth: 1 });
    const [dab] = placeDabs([{ x: 150.5, y: 60.5, radius: 4, rgb: [255, 0, 0] }], framed.framing!);
    // The model pixel under the mapped dab centre is ink of the framed dot.
    const px = Math.floor(dab.x), py = Math.floor(dab.y);
    let near = false;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) near ||= framed.mask[(py + dy) * 64 + px + dx] === 1;
    expect(near).toBe(true);
    expect(dab.radius).toBeCloseTo(4 * framed.framing!.scale, 6);
    expect(dab.rgb).toEqual([255, 0, 0]);
  });
  it('letterbox framing maps the drawing centre to the model centre', () => {
    const [d] = placeDabs([{ x: 100, y: 50, radius: 1, rgb: [0, 0, 0] }], letterboxFraming(200, 100, 64));
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

describe('Translator with a theme from the learned hint channel', () => {
  it('feeds its hint channels zeros (a drawing without dabs) and leaks nothing', async () => {
    const config = defaultConfig({ size: 32, ngf: 4, upsample: 'resize', colourHints: true, dropout: false, norm: 'instance' });
    const model = buildGenerator(config, { seed: 2 });
    const theme = { name: 't', title: 'T', config, direction: 'AtoB', input: { frame: 'letterbox' } } as unknown as LoadedTheme['theme'];
    const t = await Translator.load({ theme, model, label: 'test', resolve: (p: string) => p } as LoadedTheme);
    const drawing = tf.tidy(() => tf.pad(tf.zeros([12, 12, 3]), [[10, 10], [10, 10], [0, 0]], 1));
    const before = tf.memory().numTensors;
    const x = t.prepare(drawing);
    expect(x.shape).toEqual([1, 32, 32, 7]);
    const hintChannels = tf.tidy(() => x.slice([0, 0, 0, 3], [-1, -1, -1, 4]).abs().max().dataSync()[0]);
    expect(hintChannels).toBe(0);
    const photo = t.translatePrepared(x);
    expect(photo.shape).toEqual([32, 32, 3]);
    tf.dispose([x, photo]);
    expect(tf.memory().numTensors).toBe(before);
    drawing.dispose();
    t.dispose();
  });
});
