import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { buildGenerator } from './generator';
import { loadTheme, readTheme, ThemeError, type ThemeErrorCode, type ThemeJson } from './theme';
import { upsertThemeIndex, validateThemeIndex } from './themeIndex';
import { memorySource, packTheme, themeFileMap, type ThemeMeta } from './themePack';

const config = defaultConfig({ size: 32, ngf: 4, ndf: 4 });
const meta: ThemeMeta = {
  name: 'tiny',
  title: 'Tiny',
  config,
  direction: 'AtoB',
  training: { dataset: 'none', provenance: 'test', licence: 'CC0-1.0', iterations: 0, seconds: 0, backend: 'cpu', date: '2026-01-01T00:00:00Z' },
  metrics: null,
};

let model: tf.LayersModel;
let good: Map<string, Uint8Array>;

beforeAll(async () => {
  model = buildGenerator(config, { seed: 3 });
  good = themeFileMap(await packTheme(model, meta, 'float16', { shardBytes: 2048 }));
});
afterAll(() => model.dispose());

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const json = (b: Uint8Array) => JSON.parse(text(b));
const enc = (o: unknown) => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));

/** A copy of the good theme with one file replaced. */
function withFile(path: string, bytes: Uint8Array): Map<string, Uint8Array> {
  const m = new Map(good);
  m.set(path, bytes);
  return m;
}
function editTheme(edit: (t: ThemeJson) => void): Map<string, Uint8Array> {
  const t = json(good.get('theme.json')!);
  edit(t);
  return withFile('theme.json', enc(t));
}
function editModel(edit: (m: { weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[] }) => void) {
  const m = json(good.get('model.json')!);
  edit(m);
  return withFile('model.json', enc(m));
}

/** Loads `files`; expects a ThemeError with `code`, no tensors created, and returns the message and files read. */
async function rejects(files: Map<string, Uint8Array>, code: ThemeErrorCode): Promise<{ message: string; read: string[] }> {
  const src = memorySource(files, 'themes/tiny');
  const read: string[] = [];
  const spy = { ...src, read: (p: string) => (read.push(p), src.read(p)) };
  const before = tf.memory().numTensors;
  const err = await loadTheme(spy).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ThemeError);
  expect((err as ThemeError).code, (err as Error).message).toBe(code);
  expect(tf.memory().numTensors).toBe(before);
  return { message: (err as Error).message, read };
}

describe('theme loader', () => {
  it('loads a valid theme and matches the float32 model (float16 weights)', async () => {
    const before = tf.memory().numTensors;
    const loaded = await loadTheme(memorySource(good, 'themes/tiny'));
    expect(loaded.theme.name).toBe('tiny');
    expect(loaded.theme.weights.files!.length).toBeGreaterThan(1); // sharded
    const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 7);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.model.predict(x) as tf.Tensor;
    const err = tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
    expect(err).toBeLessThan(1e-3);
    tf.dispose([x, a, b]);
    loaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a truncated shard, naming the file', async () => {
    const shard = good.get('group1-shard2of3.bin') ? 'group1-shard2of3.bin' : [...good.keys()].find((k) => k.endsWith('.bin'))!;
    const { message } = await rejects(withFile(shard, good.get(shard)!.subarray(0, 100)), 'size-mismatch');
    expect(message).toContain(shard);
    expect(message).toMatch(/has 100 bytes.*truncated/);
  });

  it('rejects a truncated shard even without per-file sizes in theme.json', async () => {
    const files = editTheme((t) => delete t.weights.files);
    const last = [...good.keys()].filter((k) => k.endsWith('.bin')).sort().pop()!;
    files.set(last, good.get(last)!.subarray(0, 10));
    const { message } = await rejects(files, 'size-mismatch');
    expect(message).toMatch(/a shard is truncated/);
  });

  it('rejects a wrong weight shape, naming the weight and both shapes', async () => {
    const { message } = await rejects(
      editModel((m) => (m.weightsManifest[0].weights.find((w) => w.name === 'down1_conv/kernel')!.shape = [4, 4, 4, 16])),
      'weights-mismatch',
    );
    expect(message).toBe('themes/tiny/model.json: weight "down1_conv/kernel" has shape [4,4,4,16], but theme.json\'s config builds [4,4,4,8]');
  });

  it('rejects a missing weight and an unknown one', async () => {
    const missing = await rejects(editModel((m) => m.weightsManifest[0].weights.splice(0, 1)), 'weights-mismatch');
    expect(missing.message).toMatch(/missing 1 weight/);
    const extra = await rejects(editModel((m) => (m.weightsManifest[0].weights[0].name = 'evil/kernel')), 'weights-mismatch');
    expect(extra.message).toMatch(/"evil\/kernel" is not part of the generator/);
  });

  it('rejects a missing field', async () => {
    const { message, read } = await rejects(editTheme((t) => delete (t as Partial<ThemeJson>).title), 'invalid-theme');
    expect(message).toBe('themes/tiny/theme.json: "title" must be a non-empty string (got undefined)');
    expect(read).toEqual(['theme.json']);
    const training = await rejects(editTheme((t) => delete (t.training as Partial<ThemeJson['training']>).licence), 'invalid-theme');
    expect(training.message).toMatch(/"training.licence" must be a string/);
  });

  it('accepts a negative doodle margin (zoom in) and rejects one that would crop the drawing away', async () => {
    const zoomed = await loadTheme(memorySource(editTheme((t) => (t.input = { frame: 'doodle', margin: -0.2 })), 'themes/tiny'));
    expect(zoomed.theme.input?.margin).toBe(-0.2);
    zoomed.model.dispose();
    const bad = await rejects(editTheme((t) => (t.input = { frame: 'doodle', margin: -0.6 })), 'invalid-theme');
    expect(bad.message).toMatch(/"input" must be .*margin\?: number from -0.45 to 0.45/);
  });

  it('rejects a theme.json that is not JSON', async () => {
    const { message } = await rejects(withFile('theme.json', enc('{"name": "tiny",')), 'not-json');
    expect(message).toMatch(/^themes\/tiny\/theme.json: is not valid JSON/);
    const model = await rejects(withFile('model.json', enc('<html>404</html>')), 'not-json');
    expect(model.message).toMatch(/^themes\/tiny\/model.json: is not valid JSON/);
  });

  it('rejects a 2 GB declared size before reading any weights', async () => {
    const declared = await rejects(editTheme((t) => (t.weights.bytes = 2 * 1024 ** 3)), 'too-large');
    expect(declared.message).toBe('themes/tiny/theme.json: declares 2048.0 MB of weights, over the 200.0 MB limit');
    expect(declared.read).toEqual(['theme.json']);
    // A manifest whose shapes add up to 2 GB, with a config that would build it.
    const huge = await rejects(editModel((m) => (m.weightsManifest[0].weights[0].shape = [4, 4, 32768, 8192])), 'too-large');
    expect(huge.message).toMatch(/model.json: the manifest declares 8192\.\d MB of weights, over the 200.0 MB limit/);
    expect(huge.read.some((p) => p.endsWith('.bin'))).toBe(false);
  });

  it('rejects an invalid config, unsafe paths and bad quantization parameters', async () => {
    const cfg = await rejects(editTheme((t) => (t.config.size = 100)), 'invalid-config');
    expect(cfg.message).toMatch(/"config" is not a valid model: size 100 is not divisible/);
    const path = await rejects(editModel((m) => (m.weightsManifest[0].paths[0] = '../../etc/passwd')), 'invalid-manifest');
    expect(path.message).toMatch(/must be a relative path inside the theme/);
    const bytes = await rejects(editTheme((t) => (t.weights.bytes += 2)), 'size-mismatch');
    expect(bytes.message).toMatch(/theme.json: declares \d+ bytes of weights, but model.json's manifest needs/);
  });

  it('every failure above has its own message', async () => {
    const messages = new Set<string>();
    const cases: [Map<string, Uint8Array>, ThemeErrorCode][] = [
      [withFile([...good.keys()].find((k) => k.endsWith('.bin'))!, new Uint8Array(5)), 'size-mismatch'],
      [editModel((m) => (m.weightsManifest[0].weights[0].shape = [1])), 'weights-mismatch'],
      [editTheme((t) => delete (t as Partial<ThemeJson>).direction), 'invalid-theme'],
      [withFile('theme.json', enc('not json')), 'not-json'],
      [editTheme((t) => (t.weights.bytes = 2 ** 31)), 'too-large'],
    ];
    for (const [files, code] of cases) messages.add((await rejects(files, code)).message);
    expect(messages.size).toBe(cases.length);
  });

  it('loads from a URL with fetch, and reports HTTP errors with the URL', async () => {
    const fakeFetch = (async (url: string) => {
      const path = new URL(url).pathname.replace('/themes/tiny/', '');
      const body = good.get(path);
      return body ? new Response(body.slice(), { status: 200 }) : new Response('nope', { status: 404, statusText: 'Not Found' });
    }) as unknown as typeof fetch;
    const files = await readTheme('http://example.test/themes/tiny', { fetch: fakeFetch });
    expect(files.resolve('preview.png')).toBe('http://example.test/themes/tiny/preview.png');
    const err = await readTheme('http://example.test/themes/other/', { fetch: fakeFetch }).catch((e) => e);
    expect(err).toBeInstanceOf(ThemeError);
    expect(err.code).toBe('fetch-failed');
    expect(err.message).toBe('http://example.test/themes/other/theme.json: HTTP 404 Not Found');
  });
});

describe('theme index', () => {
  it('upserts in place, keeps the default first, validates', () => {
    let idx = upsertThemeIndex(null, { name: 'shoes', title: 'Shoes', path: 'shoes', preview: 'shoes/preview.png' });
    idx = upsertThemeIndex(idx, { name: 'cats', title: 'Cats', path: 'cats' });
    idx = upsertThemeIndex(idx, { name: 'bags', title: 'Bags', path: 'bags' });
    idx = upsertThemeIndex(idx, { name: 'shoes', title: 'Shoes 2', path: 'shoes' });
    expect(idx.default).toBe('shoes');
    expect(idx.themes.map((t) => `${t.name}:${t.title}`)).toEqual(['shoes:Shoes 2', 'cats:Cats', 'bags:Bags']);
    const cats = upsertThemeIndex(idx, { name: 'cats', title: 'Cats', path: 'cats' }, { makeDefault: true });
    expect(cats.default).toBe('cats');
    expect(cats.themes.map((t) => t.name)).toEqual(['cats', 'shoes', 'bags']);
    expect(validateThemeIndex(idx)).toEqual(idx);
    expect(() => validateThemeIndex({ themes: [{ name: 'x', title: 'X', path: '../x' }] })).toThrow(/relative "path"/);
  });
});
