/**
 * Where a theme's files come from (a URL with fetch, or a reader function)
 * and readTheme, which reads and validates them all. Part of shared/theme.ts.
 */
import { type WeightSpec } from '../quantize';
import { checkSpecs, checkTopology, checkTopologyInput, fmtBytes, manifestSpecs, nonFiniteWeight, type WeightLimits } from './manifest';
import { MAX_ACTIVATION_BYTES, MAX_JSON_BYTES, MAX_PARAMETERS, MAX_WEIGHT_BYTES, THEME_FILE, ThemeError, themeFileUrl, themeFolderUrl, type ThemeJson, validateThemeJson } from './schema';

export type ThemeReader = (path: string) => Promise<ArrayBuffer | Uint8Array>;
export interface ThemeReaderSource {
  read: ThemeReader;
  /** Shown in messages (e.g. the folder path). */
  label: string;
  /** Optional: size of a file without reading it, to refuse oversize files early. */
  size?: (path: string) => Promise<number | undefined>;
}
export type ThemeSource = string | URL | ThemeReaderSource;

export interface ReadOptions extends Partial<WeightLimits> {
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
    base = new URL(themeFolderUrl(String(source), loc?.href));
  } catch {
    throw new ThemeError('fetch-failed', String(source), 'is not a valid URL');
  }
  const label = String(source).replace(/\/+$/, '');
  return {
    label,
    resolve: (path) => themeFileUrl(base, path),
    async read(path, maxBytes) {
      const url = themeFileUrl(base, path);
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
