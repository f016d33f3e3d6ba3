/**
 * Themes: a trained generator packaged for the browser.
 *
 *   <theme>/theme.json      ThemeJson below (config, direction, weights, training, metrics)
 *   <theme>/model.json      standard TensorFlow.js layers format (topology + weights manifest)
 *   <theme>/group1-shard*   weight bytes (float32, float16 or uint8/uint16 quantized)
 *   <theme>/preview.png, gallery/…
 *
 * `readTheme` fetches and validates everything BEFORE any tensor exists:
 * theme.json fields and types, the model config, the manifest's weight names
 * and shapes against what `buildGenerator(config)` would create (computed
 * without building it), sizes within limits, byte lengths. Every failure is a
 * `ThemeError` with a `code`, the file it concerns and a sentence saying what is
 * wrong. Nothing from a theme is executed: JSON is parsed, never evaluated.
 *
 * Sources: a URL (string or URL; uses `fetch`) or a `ThemeReader` function
 * (Node passes one that reads a folder: trainer/themes/folderSource.ts).
 * No DOM or Node APIs here.
 */
import * as tf from '@tensorflow/tfjs';
import { configProblems, generatorInChannels, type ModelConfig } from './config';
import { MAX_DOODLE_MARGIN } from './doodleFraming';
import './generator'; // registers the custom layers the topology may name
import { QUANTIZE_MODES, specByteLength, type QuantizeMode, type WeightSpec } from './quantize';
import { generatorWeightShapes } from './themeWeights';
import { generatorPlan, planActivationValues, settingMatches } from './generatorPlan';
import { BadInputError } from './errors';

export const THEME_FILE = 'theme.json';
export const MODEL_FILE = 'model.json';
export const THEME_FORMAT = 'doodle2photo-theme';
export const THEME_VERSION = 1;
/** Largest weight download accepted (quantized bytes). */
export const MAX_WEIGHT_BYTES = 200 * 1024 * 1024;
/** Largest model accepted, in float32 values once dequantized (= 600 MB of memory). */
export const MAX_PARAMETERS = 150_000_000;
/** Largest total of layer outputs at batch 1 (float32 bytes) a theme's topology may have. */
export const MAX_ACTIVATION_BYTES = 1024 * 1024 * 1024;
/** theme.json and model.json are small; anything bigger is not a theme. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;

export type Direction = 'AtoB' | 'BtoA';

export interface ThemeMetrics {
  l1: number;
  ssim: number;
  psnr: number;
  sharpness: number;
  edgeF1: number;
  /** The checkerboard of transposed convolutions in the outputs (shared/metrics gridScore); absent in older themes. */
  gridScore?: number;
  /** Mean inference time per image, ms, on `backend`. */
  ms: number;
  images: number;
  /** Side at which the metrics were computed. */
  size: number;
  split?: string;
  backend?: string;
}

export interface ThemeFileRef {
  path: string;
  bytes: number;
}

export interface ThemeJson {
  format: typeof THEME_FORMAT;
  version: number;
  /** Folder-safe id: lower-case letters, digits, '-' and '_'. */
  name: string;
  title: string;
  description?: string;
  config: ModelConfig;
  direction: Direction;
  weights: {
    format: 'tfjs-layers';
    /** Relative path of the layers model (default model.json). */
    model: string;
    quantization: QuantizeMode;
    /** Total bytes of all weight files. */
    bytes: number;
    files?: ThemeFileRef[];
    parameters?: number;
    /** Quantized model against float32 on validation inputs, measured at export. */
    fidelity?: { maxAbsError: number; ssim: number; images: number };
  };
  training: {
    dataset: string;
    provenance: string;
    licence: string;
    iterations: number;
    seconds: number;
    backend: string;
    /** ISO 8601. */
    date: string;
    [extra: string]: unknown;
  };
  metrics: ThemeMetrics | null;
  /** Relative path of a preview image. */
  preview?: string;
  /** Validation examples: input edges and target photo, relative paths. */
  gallery?: { edges: string; photo: string }[];
  /**
   * How to frame a player's drawing for this model (normalizeDoodle): margin is a fraction of
   * the side; negative zooms in so the outline overflows the frame, for training photos cropped
   * inside the object (cat faces).
   */
  input?: { frame?: 'letterbox' | 'doodle'; strokeWidth?: number; margin?: number };
}

export type ThemeErrorCode =
  | 'fetch-failed' // a file could not be read (404, CORS, missing file)
  | 'not-json' // a .json file does not parse
  | 'invalid-theme' // theme.json fields or types
  | 'invalid-config' // theme.json config does not describe a valid model
  | 'invalid-manifest' // model.json structure
  | 'weights-mismatch' // manifest names/shapes differ from what the config builds
  | 'too-large' // declared sizes over the limits
  | 'size-mismatch' // bytes on disk differ from what the manifest declares
  | 'topology-mismatch' // model.json's layers differ from what the config builds
  | 'non-finite' // a weight is NaN or ±Inf
  | 'load-failed'; // tfjs rejected the validated model

export class ThemeError extends BadInputError {
  readonly code: ThemeErrorCode;
  /** The file the problem is in, as "<source>/<file>". */
  readonly file: string;
  constructor(code: ThemeErrorCode, file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ThemeError';
    this.code = code;
    this.file = file;
  }
}

export type ThemeReader = (path: string) => Promise<ArrayBuffer | Uint8Array>;
export interface ThemeReaderSource {
  read: ThemeReader;
  /** Shown in messages (e.g. the folder path). */
  label: string;
  /** Optional: size of a file without reading it, to refuse oversize files early. */
  size?: (path: string) => Promise<number | undefined>;
}
export type ThemeSource = string | URL | ThemeReaderSource;

export interface ReadOptions {
  maxWeightBytes?: number;
  maxParameters?: number;
  /** Largest sum of layer outputs at batch 1, in float32 bytes (default MAX_ACTIVATION_BYTES). */
  maxActivationBytes?: number;
  /** Injected fetch (tests, custom headers); defaults to globalThis.fetch. */
  fetch?: typeof fetch;
}

/** A validated theme, bytes in memory, no tensors yet. */
export interface ThemeFiles {
  theme: ThemeJson;
  label: string;
  modelTopology: object;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  /** Resolve a theme-relative path (preview, gallery) to a URL or reader path. */
  resolve(path: string): string;
}

// ---------------------------------------------------------------------------
// theme.json validation

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isNonNegInt = (v: unknown): v is number => isNonNegNumber(v) && Number.isInteger(v);
/** A value quoted for an error message, cut at 60 characters. */
export const str = (v: unknown) => JSON.stringify(v)?.slice(0, 60);

/** A path inside the theme folder: relative, no "..", no scheme, no backslashes. */
export function isSafeRelativePath(p: unknown): p is string {
  return (
    typeof p === 'string' &&
    p.length > 0 &&
    p.length < 256 &&
    !p.startsWith('/') &&
    !p.includes('\\') &&
    !/^[a-z][a-z0-9+.-]*:/i.test(p) &&
    !p.split('/').some((part) => part === '..' || part === '' || part === '.')
  );
}

/** Every problem with a parsed theme.json (fields and types; the config only as "present"). */
export function themeProblems(json: unknown): string[] {
  if (!isObject(json)) return ['must be a JSON object'];
  const p: string[] = [];
  const need = (cond: boolean, msg: string) => {
    if (!cond) p.push(msg);
  };
  need(json.format === THEME_FORMAT, `"format" must be "${THEME_FORMAT}" (got ${str(json.format)})`);
  need(json.version === THEME_VERSION, `"version" must be ${THEME_VERSION} (got ${str(json.version)})`);
  need(typeof json.name === 'string' && NAME_RE.test(json.name), `"name" must be lower-case letters, digits, "-" or "_" (got ${str(json.name)})`);
  need(typeof json.title === 'string' && json.title.length > 0, `"title" must be a non-empty string (got ${str(json.title)})`);
  need(json.description === undefined || typeof json.description === 'string', `"description" must be a string`);
  need(isObject(json.config), `"config" is missing or not an object`);
  need(json.direction === 'AtoB' || json.direction === 'BtoA', `"direction" must be "AtoB" or "BtoA" (got ${str(json.direction)})`);
  const w = json.weights;
  if (!isObject(w)) p.push(`"weights" is missing or not an object`);
  else {
    need(w.format === 'tfjs-layers', `"weights.format" must be "tfjs-layers" (got ${str(w.format)})`);
    need(isSafeRelativePath(w.model), `"weights.model" must be a relative path inside the theme (got ${str(w.model)})`);
    need(QUANTIZE_MODES.includes(w.quantization as QuantizeMode), `"weights.quantization" must be one of ${QUANTIZE_MODES.join(', ')} (got ${str(w.quantization)})`);
    need(isNonNegInt(w.bytes), `"weights.bytes" must be a non-negative integer (got ${str(w.bytes)})`);
    if (w.files !== undefined) {
      const ok = Array.isArray(w.files) && w.files.every((f) => isObject(f) && isSafeRelativePath(f.path) && isNonNegInt(f.bytes));
      need(ok, `"weights.files" must be a list of {path, bytes} with relative paths`);
    }
    need(w.parameters === undefined || isNonNegInt(w.parameters), `"weights.parameters" must be a non-negative integer`);
  }
  const t = json.training;
  if (!isObject(t)) p.push(`"training" is missing or not an object`);
  else {
    for (const k of ['dataset', 'provenance', 'licence', 'backend', 'date'] as const) {
      need(typeof t[k] === 'string', `"training.${k}" must be a string (got ${str(t[k])})`);
    }
    for (const k of ['iterations', 'seconds'] as const) need(isNonNegNumber(t[k]), `"training.${k}" must be a non-negative number (got ${str(t[k])})`);
  }
  if (json.metrics !== null) {
    if (!isObject(json.metrics)) p.push(`"metrics" must be an object or null (got ${str(json.metrics)})`);
    else {
      for (const k of ['l1', 'ssim', 'psnr', 'sharpness', 'edgeF1', 'ms', 'images', 'size']) {
        need(typeof json.metrics[k] === 'number', `"metrics.${k}" must be a number (got ${str(json.metrics[k])})`);
      }
    }
  }
  need(json.preview === undefined || isSafeRelativePath(json.preview), `"preview" must be a relative path inside the theme`);
  if (json.gallery !== undefined) {
    const ok = Array.isArray(json.gallery) && json.gallery.every((g) => isObject(g) && isSafeRelativePath(g.edges) && isSafeRelativePath(g.photo));
    need(ok, `"gallery" must be a list of {edges, photo} relative paths`);
  }
  if (json.input !== undefined) {
    const i = json.input;
    const ok = isObject(i) && (i.frame === undefined || i.frame === 'letterbox' || i.frame === 'doodle') &&
      (i.strokeWidth === undefined || isNonNegNumber(i.strokeWidth)) && (i.margin === undefined || (typeof i.margin === 'number' && Math.abs(i.margin) <= MAX_DOODLE_MARGIN));
    need(ok, `"input" must be {frame?: "letterbox"|"doodle", strokeWidth?: number, margin?: number from -${MAX_DOODLE_MARGIN} to ${MAX_DOODLE_MARGIN}}`);
  }
  return p;
}

/** Checks a parsed theme.json; throws ThemeError ('invalid-theme' or 'invalid-config'). */
export function validateThemeJson(json: unknown, file = THEME_FILE): ThemeJson {
  const problems = themeProblems(json);
  if (problems.length) throw new ThemeError('invalid-theme', file, problems.join('; '));
  const cfg = configProblems((json as ThemeJson).config);
  if (cfg.length) throw new ThemeError('invalid-config', file, `"config" is not a valid model: ${cfg.join('; ')}`);
  return json as ThemeJson;
}

// ---------------------------------------------------------------------------
// model.json validation

function manifestSpecs(modelJson: unknown, file: string): { topology: object; paths: string[]; specs: WeightSpec[] } {
  const bad = (msg: string) => new ThemeError('invalid-manifest', file, msg);
  if (!isObject(modelJson)) throw bad('must be a JSON object');
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw bad(`"format" is ${str(modelJson.format)}; only TensorFlow.js layers models ("layers-model") are supported`);
  }
  if (!isObject(modelJson.modelTopology)) throw bad('"modelTopology" is missing');
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) throw bad('"weightsManifest" is missing or empty');
  const paths: string[] = [];
  const specs: WeightSpec[] = [];
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw bad('every "weightsManifest" group needs "paths" and "weights" lists');
    }
    for (const path of group.paths) {
      if (!isSafeRelativePath(path)) throw bad(`weight file path ${str(path)} must be a relative path inside the theme`);
      paths.push(path);
    }
    for (const s of group.weights) {
      if (!isObject(s) || typeof s.name !== 'string') throw bad(`a weight entry has no name: ${str(s)}`);
      const shapeOk = Array.isArray(s.shape) && s.shape.length <= 8 && s.shape.every(isNonNegInt);
      if (!shapeOk) throw bad(`weight "${s.name}" has an invalid shape ${str(s.shape)}`);
      if (s.dtype !== 'float32') throw bad(`weight "${s.name}" has dtype ${str(s.dtype)}; a generator's weights are float32`);
      if (s.quantization !== undefined) {
        const q = s.quantization;
        if (!isObject(q) || !['float16', 'uint8', 'uint16'].includes(q.dtype as string)) {
          throw bad(`weight "${s.name}" has an unknown quantization ${str(q)}`);
        }
        if (q.dtype !== 'float16' && !(typeof q.scale === 'number' && Number.isFinite(q.scale) && q.scale !== 0 && typeof q.min === 'number' && Number.isFinite(q.min))) {
          throw bad(`weight "${s.name}" is ${q.dtype}-quantized but lacks a finite non-zero "scale" and a finite "min"`);
        }
      }
      specs.push(s as unknown as WeightSpec);
    }
  }
  return { topology: modelJson.modelTopology, paths, specs };
}

function checkTopologyInput(topology: Record<string, unknown>, config: ModelConfig, file: string): void {
  const layers = (isObject(topology.config) && Array.isArray(topology.config.layers)) ? topology.config.layers : null;
  if (!layers) throw new ThemeError('invalid-manifest', file, '"modelTopology" has no layer list');
  const input = layers.find((l) => isObject(l) && l.class_name === 'InputLayer') as Record<string, unknown> | undefined;
  const shape = input && isObject(input.config) ? (input.config.batch_input_shape ?? input.config.batchInputShape) : undefined;
  const want = [null, config.size, config.size, generatorInChannels(config)];
  if (JSON.stringify(shape) !== JSON.stringify(want)) {
    throw new ThemeError('weights-mismatch', file, `the model's input is ${str(shape)}, but theme.json's config needs ${str(want)}`);
  }
}

/** tfjs serializes a missing setting as null or leaves it out: the same here. */
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The whole layer graph against what the config builds (shared/generatorPlan):
 * the same layers by name, each of the same kind, fed by the same layers, with
 * the same shape-deciding settings; the same model inputs and outputs; and the
 * activation memory within limits. Runs before tfjs builds (allocates) anything.
 */
function checkTopology(topology: Record<string, unknown>, config: ModelConfig, file: string, maxActivationBytes: number): void {
  const bad = (msg: string) => new ThemeError('topology-mismatch', file, msg);
  const cfg = isObject(topology.config) ? topology.config : null;
  const layers = cfg && Array.isArray(cfg.layers) ? cfg.layers : null;
  if (!cfg || !layers) throw new ThemeError('invalid-manifest', file, '"modelTopology" has no layer list');
  const plan = generatorPlan(config);
  const activationBytes = planActivationValues(plan) * 4;
  if (activationBytes > maxActivationBytes) {
    throw new ThemeError('too-large', file, `the model's layer outputs take ${fmtBytes(activationBytes)} per image, over the ${fmtBytes(maxActivationBytes)} limit`);
  }
  const expected = new Map(plan.map((l) => [l.name, l]));
  const seen = new Set<string>();
  for (const layer of layers) {
    const name = isObject(layer) && typeof layer.name === 'string' ? layer.name : isObject(layer) && isObject(layer.config) ? layer.config.name : undefined;
    if (!isObject(layer) || typeof name !== 'string') throw bad(`a layer without a name: ${str(layer)}`);
    if (seen.has(name)) throw bad(`layer "${name}" is listed twice`);
    seen.add(name);
    const want = expected.get(name);
    if (!want) throw bad(`layer "${name}" (${str(layer.class_name)}) is not part of the generator theme.json's config builds`);
    if (layer.class_name !== want.className) throw bad(`layer "${name}" is a ${str(layer.class_name)}, but theme.json's config builds a ${want.className}`);
    const lc = isObject(layer.config) ? layer.config : {};
    for (const [key, value] of Object.entries(want.attrs)) {
      if (!settingMatches(lc, key, value)) throw bad(`layer "${name}" has ${key} ${str(lc[key])}, but theme.json's config builds ${str(value)}`);
    }
    const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    const inbound = nodes.flatMap((node) => (Array.isArray(node) ? node.map((t) => (Array.isArray(t) ? t[0] : undefined)) : [undefined]));
    if (!sameValue(inbound, want.inbound)) throw bad(`layer "${name}" takes ${str(inbound)}, but theme.json's config feeds it ${str(want.inbound)}`);
  }
  const missing = plan.filter((l) => !seen.has(l.name)).map((l) => l.name);
  if (missing.length) throw bad(`missing ${missing.length} layer(s) the config builds: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  const ends = (v: unknown) => (Array.isArray(v) ? v.map((t) => (Array.isArray(t) ? t[0] : t)) : v);
  if (!sameValue(ends(cfg.input_layers), ['edges']) || !sameValue(ends(cfg.output_layers), [plan[plan.length - 1].name])) {
    throw bad(`the model's inputs ${str(ends(cfg.input_layers))} and outputs ${str(ends(cfg.output_layers))} are not the generator's (["edges"] → ["${plan[plan.length - 1].name}"])`);
  }
}

/** The first weight whose stored values hold NaN or ±Inf (float32 and float16 entries; quantized ones are finite by their checked scale and min). */
function nonFiniteWeight(specs: WeightSpec[], data: Uint8Array): string | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const s of specs) {
    const bytes = specByteLength(s);
    const enc = s.quantization?.dtype ?? s.dtype;
    if (enc === 'float32') {
      for (let i = offset; i < offset + bytes; i += 4) if (!Number.isFinite(view.getFloat32(i, true))) return s.name;
    } else if (enc === 'float16') {
      for (let i = offset; i < offset + bytes; i += 2) if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) return s.name;
    }
    offset += bytes;
  }
  return null;
}

const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${n} bytes`);

function checkSpecs(specs: WeightSpec[], config: ModelConfig, file: string, opts: Required<Pick<ReadOptions, 'maxWeightBytes' | 'maxParameters'>>): number {
  // Sizes first: a manifest declaring gigabytes is refused before anything else is looked at.
  let bytes = 0;
  let values = 0;
  for (const s of specs) {
    bytes += specByteLength(s);
    values += s.shape.reduce((a, b) => a * b, 1);
  }
  if (bytes > opts.maxWeightBytes) {
    throw new ThemeError('too-large', file, `the manifest declares ${fmtBytes(bytes)} of weights, over the ${fmtBytes(opts.maxWeightBytes)} limit`);
  }
  if (values > opts.maxParameters) {
    throw new ThemeError('too-large', file, `the manifest declares ${values} weight values, over the ${opts.maxParameters} limit`);
  }
  const expected = generatorWeightShapes(config);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new ThemeError('weights-mismatch', file, `weight "${s.name}" is listed twice`);
    seen.add(s.name);
    const want = expected.get(s.name);
    if (!want) throw new ThemeError('weights-mismatch', file, `weight "${s.name}" is not part of the generator theme.json's config builds`);
    if (want.length !== s.shape.length || want.some((d, i) => d !== s.shape[i])) {
      throw new ThemeError('weights-mismatch', file, `weight "${s.name}" has shape [${s.shape}], but theme.json's config builds [${want}]`);
    }
  }
  const missing = [...expected.keys()].filter((n) => !seen.has(n));
  if (missing.length) {
    throw new ThemeError('weights-mismatch', file, `missing ${missing.length} weight(s) the config needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------
// Reading

interface Fetcher {
  label: string;
  read(path: string, maxBytes: number): Promise<Uint8Array>;
  resolve(path: string): string;
}

function toBytes(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function urlFetcher(source: string | URL, fetchImpl: typeof fetch | undefined): Fetcher {
  const f = fetchImpl ?? (globalThis.fetch as typeof fetch | undefined);
  if (!f) throw new ThemeError('fetch-failed', String(source), 'no fetch() here; pass a reader function instead of a URL');
  const loc = (globalThis as { location?: { href: string } }).location;
  let base: URL;
  try {
    const s = String(source);
    base = new URL(s.endsWith('/') ? s : `${s}/`, loc?.href);
  } catch {
    throw new ThemeError('fetch-failed', String(source), 'is not a valid URL');
  }
  const label = String(source).replace(/\/+$/, '');
  return {
    label,
    resolve: (path) => new URL(path, base).href,
    async read(path, maxBytes) {
      const url = new URL(path, base).href;
      let res: Response;
      try {
        res = await f(url);
      } catch (e) {
        throw new ThemeError('fetch-failed', `${label}/${path}`, `could not be fetched (${(e as Error).message}; a theme on another origin needs CORS headers)`);
      }
      if (!res.ok) throw new ThemeError('fetch-failed', `${label}/${path}`, `HTTP ${res.status} ${res.statusText}`.trim());
      const declared = Number(res.headers.get('content-length'));
      if (declared > maxBytes) throw new ThemeError('too-large', `${label}/${path}`, `is ${fmtBytes(declared)}, over the ${fmtBytes(maxBytes)} expected`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

function readerFetcher(source: ThemeReaderSource): Fetcher {
  const label = source.label.replace(/\/+$/, '');
  return {
    label,
    resolve: (path) => path,
    async read(path, maxBytes) {
      const size = source.size ? await source.size(path).catch(() => undefined) : undefined;
      if (size !== undefined && size > maxBytes) throw new ThemeError('too-large', `${label}/${path}`, `is ${fmtBytes(size)}, over the ${fmtBytes(maxBytes)} expected`);
      try {
        return toBytes(await source.read(path));
      } catch (e) {
        throw new ThemeError('fetch-failed', `${label}/${path}`, `could not be read (${(e as Error).message})`);
      }
    },
  };
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ThemeError('not-json', file, 'is not UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ThemeError('not-json', file, `is not valid JSON (${(e as Error).message})`);
  }
}

function isReaderSource(s: ThemeSource): s is ThemeReaderSource {
  return typeof s === 'object' && !(s instanceof URL) && typeof (s as ThemeReaderSource).read === 'function';
}

/** Fetches and validates a theme; returns its bytes. Creates no tensors. */
export async function readTheme(source: ThemeSource, options: ReadOptions = {}): Promise<ThemeFiles> {
  const limits = { maxWeightBytes: options.maxWeightBytes ?? MAX_WEIGHT_BYTES, maxParameters: options.maxParameters ?? MAX_PARAMETERS };
  const io = isReaderSource(source) ? readerFetcher(source) : urlFetcher(source, options.fetch);
  const themeFile = `${io.label}/${THEME_FILE}`;
  const theme = validateThemeJson(parseJson(await io.read(THEME_FILE, MAX_JSON_BYTES), themeFile), themeFile);
  if (theme.weights.bytes > limits.maxWeightBytes) {
    throw new ThemeError('too-large', themeFile, `declares ${fmtBytes(theme.weights.bytes)} of weights, over the ${fmtBytes(limits.maxWeightBytes)} limit`);
  }
  const modelFile = `${io.label}/${theme.weights.model}`;
  const { topology, paths, specs } = manifestSpecs(parseJson(await io.read(theme.weights.model, MAX_JSON_BYTES), modelFile), modelFile);
  const declared = checkSpecs(specs, theme.config, modelFile, limits);
  checkTopologyInput(topology as Record<string, unknown>, theme.config, modelFile);
  checkTopology(topology as Record<string, unknown>, theme.config, modelFile, options.maxActivationBytes ?? MAX_ACTIVATION_BYTES);
  if (declared !== theme.weights.bytes) {
    throw new ThemeError('size-mismatch', themeFile, `declares ${theme.weights.bytes} bytes of weights, but model.json's manifest needs ${declared}`);
  }
  // model.json paths are relative to model.json itself.
  const dir = theme.weights.model.includes('/') ? theme.weights.model.slice(0, theme.weights.model.lastIndexOf('/') + 1) : '';
  const expectedFiles = new Map((theme.weights.files ?? []).map((f) => [f.path, f.bytes]));
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const p of paths) {
    const path = dir + p;
    const want = expectedFiles.get(path);
    const bytes = await io.read(path, want ?? declared - total);
    if (want !== undefined && bytes.byteLength !== want) {
      throw new ThemeError('size-mismatch', `${io.label}/${path}`, `has ${bytes.byteLength} bytes, theme.json says ${want} (truncated or damaged download?)`);
    }
    total += bytes.byteLength;
    if (total > declared) throw new ThemeError('size-mismatch', `${io.label}/${path}`, `weight files hold more than the ${declared} bytes model.json declares`);
    parts.push(bytes);
  }
  if (total !== declared) {
    const sizes = paths.map((p, i) => `${p} ${parts[i].byteLength}`).join(', ');
    throw new ThemeError('size-mismatch', `${io.label}/${paths[paths.length - 1]}`, `weight files hold ${total} bytes (${sizes}), model.json declares ${declared}: a shard is truncated`);
  }
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const part of parts) {
    weightData.set(part, off);
    off += part.byteLength;
  }
  const nonFinite = nonFiniteWeight(specs, weightData);
  if (nonFinite) throw new ThemeError('non-finite', modelFile, `weight "${nonFinite}" holds NaN or Inf: the model diverged in training; export an earlier checkpoint`);
  return { theme, label: io.label, modelTopology: topology, weightSpecs: specs, weightData: weightData.buffer, resolve: io.resolve };
}

/** Builds the generator from validated files with tf.loadLayersModel (which dequantizes). */
export async function modelFromThemeFiles(files: ThemeFiles): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[], weightData: files.weightData }),
    );
  } catch (e) {
    throw new ThemeError('load-failed', `${files.label}/${files.theme.weights.model}`, `TensorFlow.js could not build the model: ${(e as Error).message}`);
  }
}

export interface LoadedTheme {
  theme: ThemeJson;
  model: tf.LayersModel;
  label: string;
  resolve(path: string): string;
}

/** readTheme + modelFromThemeFiles. */
export async function loadTheme(source: ThemeSource, options: ReadOptions = {}): Promise<LoadedTheme> {
  const files = await readTheme(source, options);
  const model = await modelFromThemeFiles(files);
  return { theme: files.theme, model, label: files.label, resolve: files.resolve };
}
