import * as tf from '@tensorflow/tfjs';
import { defaultConfig, type ModelConfig } from '../shared/config';
import { buildGenerator } from '../shared/generator';
import type { QuantizeMode } from '../shared/quantize';
import { Rng } from '../shared/random';
import type { ThemeJson } from '../shared/theme';
import { packTheme, themeFileMap } from '../shared/themePack';
import { encodePng, writeThemeDir } from '../trainer/themes/writeTheme';

/** The index writer, for tests outside trainer/ (the game's) that build a themes folder. */
export { updateThemeIndexFile } from '../trainer/themes/writeTheme';

/**
 * A small, valid theme with random weights, for tests of the game, the widget
 * and the loader (CI has no trained weights). Weights are He-scaled rather
 * than pix2pix's N(0, 0.02) so the output visibly depends on the drawing.
 */
export interface RandomThemeOptions {
  name?: string;
  title?: string;
  quantization?: QuantizeMode;
  seed?: number;
  /** Gallery examples (simple shapes; photo = this model's output). Default 3. */
  gallery?: number;
}

export const TEST_THEME_CONFIG: Partial<ModelConfig> = { size: 64, ngf: 8, ndf: 8 };

/** Re-draws every weight: kernels N(0, 1/fan_in), biases and norm offsets small, running stats neutral. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName;
    const fill = (f: () => number) => tf.tensor(Float32Array.from({ length: n }, f), shape);
    if (name.endsWith('/kernel')) {
      // conv2d [k,k,in,out]; conv2dTranspose [k,k,out,in]: fan-in over the input channels.
      const fanIn = shape[0] * shape[1] * (name.startsWith('up') ? shape[3] : shape[2]);
      const std = Math.sqrt((name.startsWith('up') ? 4 : 1) / fanIn);
      return fill(() => rng.normal() * std);
    }
    if (name.endsWith('/gamma') || name.endsWith('/moving_variance')) return fill(() => 1);
    if (name.endsWith('/moving_mean')) return fill(() => 0);
    return fill(() => rng.normal() * 0.1);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** A w×w edge image (RGB bytes, black 2-px outline on white) of shape `kind`. */
export function shapeEdges(kind: number, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3).fill(255);
  const c = (size - 1) / 2;
  const r = size * 0.35;
  const segDist = (px: number, py: number, ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - ax - t * dx, py - ay - t * dy);
  };
  const poly = (pts: [number, number][]) => (x: number, y: number) =>
    Math.min(...pts.map((p, i) => segDist(x, y, p[0], p[1], pts[(i + 1) % pts.length][0], pts[(i + 1) % pts.length][1])));
  const shapes: ((x: number, y: number) => number)[] = [
    (x, y) => Math.abs(Math.hypot(x - c, y - c) - r),
    poly([[c - r, c - r * 0.7], [c + r, c - r * 0.7], [c + r, c + r * 0.7], [c - r, c + r * 0.7]]),
    poly([[c, c - r], [c + r, c + r * 0.8], [c - r, c + r * 0.8]]),
    poly([[c - r, c + r * 0.5], [c - r * 0.2, c + r * 0.5], [c + r, c], [c + r, c + r * 0.5], [c - r, c + r * 0.8]]),
  ];
  const dist = shapes[kind % shapes.length];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (dist(x, y) < 1) out.fill(0, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  return out;
}

function predictPixels(model: tf.LayersModel, edges: Uint8Array, size: number): Uint8Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(edges, [1, size, size, 3], 'int32').toFloat().div(127.5).sub(1);
    const y = model.predict(x) as tf.Tensor;
    return Uint8Array.from(y.add(1).mul(127.5).clipByValue(0, 255).round().dataSync());
  });
}

/** Writes a small valid theme into `dir` and returns its theme.json. */
export async function writeRandomTheme(dir: string, configOverrides: Partial<ModelConfig> = {}, opts: RandomThemeOptions = {}): Promise<ThemeJson> {
  const config = defaultConfig({ ...TEST_THEME_CONFIG, ...configOverrides });
  const seed = opts.seed ?? 1;
  const model = buildGenerator(config, { seed });
  try {
    randomizeWeights(model, seed);
    const extra = new Map<string, Uint8Array>();
    const gallery: { edges: string; photo: string }[] = [];
    const count = opts.gallery ?? 3;
    for (let i = 0; i < count; i++) {
      const edges = shapeEdges(i, config.size);
      const photo = predictPixels(model, edges, config.size);
      const id = String(i + 1).padStart(2, '0');
      extra.set(`gallery/${id}-edges.png`, await encodePng(edges, config.size, config.size));
      extra.set(`gallery/${id}-photo.png`, await encodePng(photo, config.size, config.size));
      gallery.push({ edges: `gallery/${id}-edges.png`, photo: `gallery/${id}-photo.png` });
      if (i === 0) extra.set('preview.png', await encodePng(photo, config.size, config.size));
    }
    const packed = await packTheme(model, {
      name: opts.name ?? 'test',
      title: opts.title ?? 'Test (random weights)',
      description: 'Random weights for tests: the output depends on the drawing but looks like nothing.',
      config,
      direction: 'AtoB',
      training: { dataset: 'none', provenance: 'random weights, writeRandomTheme', licence: 'CC0-1.0', iterations: 0, seconds: 0, backend: tf.getBackend(), date: new Date().toISOString() },
      metrics: null,
      ...(count > 0 ? { preview: 'preview.png' } : {}),
      gallery,
    }, opts.quantization ?? 'float16');
    await writeThemeDir(dir, themeFileMap(packed, extra));
    return packed.theme;
  } finally {
    model.dispose();
  }
}
