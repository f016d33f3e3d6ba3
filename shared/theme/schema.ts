/**
 * theme.json: its fields (ThemeJson), limits, ThemeError and the validation of
 * a parsed file. Part of shared/theme.ts (which describes the theme layout).
 */
import { configProblems, type ModelConfig } from '../config';
import { MAX_DOODLE_MARGIN } from '../doodleFraming';
import { QUANTIZE_MODES, type QuantizeMode } from '../quantize';
import { BadInputError } from '../errors';

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
/** What a shipped theme folder may weigh in all (weights, gallery, preview): the game downloads it before the first stroke. */
export const THEME_FOLDER_BUDGET_BYTES = 4 * 1024 * 1024;

/**
 * The one rule for where a theme lives: `path` (a folder, or its theme.json)
 * resolved against `base`, as an absolute folder URL ending with '/'. A query
 * stays (a cache-busting `?v=3`), and themeFileUrl carries it onto every file
 * of the theme. Throws on what cannot be a URL.
 */
export function themeFolderUrl(path: string, base?: string): string {
  const url = new URL(path, base);
  url.pathname = url.pathname.replace(/\/theme\.json$/, '/').replace(/\/?$/, '/');
  return url.href;
}

/** A file of the theme in `folder` (a themeFolderUrl), with the folder's query unless the file has its own. */
export function themeFileUrl(folder: string | URL, file: string): string {
  const url = new URL(file, folder);
  if (!url.search) url.search = new URL(folder).search;
  return url.href;
}

export type Direction = 'AtoB' | 'BtoA';

/** How a drawing is fitted to the model's square: letterboxed as it is (A|B pairs), or framed like a doodle (normalizeDoodle). */
export const FRAMES = ['letterbox', 'doodle'] as const;
export type Frame = (typeof FRAMES)[number];

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
  input?: { frame?: Frame; strokeWidth?: number; margin?: number };
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



const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
export const isNonNegInt = (v: unknown): v is number => isNonNegNumber(v) && Number.isInteger(v);
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
    const ok = isObject(i) && (i.frame === undefined || (FRAMES as readonly unknown[]).includes(i.frame)) &&
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
