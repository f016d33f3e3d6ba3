/**
 * Weight codecs for themes. Produces the standard TensorFlow.js weights
 * manifest (`quantization: {dtype, scale, min}`), which `tf.loadLayersModel`
 * dequantizes by itself: quantization only shrinks the download.
 *
 * - float16: IEEE half precision, round to nearest even (tfjs ships a decoder only).
 * - uint8 / uint16: per-tensor affine, value = q · scale + min.
 *   After encoding, the tensor's error is measured; a tensor that uint8 would
 *   damage (relative RMS error above `maxRelativeError`) and very small
 *   tensors (biases, norm parameters: no size to win, precision to lose) are
 *   written as float16 instead, and the report says so.
 *
 * Pure TypeScript: no tfjs, DOM or Node APIs.
 */

export type QuantizeMode = 'none' | 'float16' | 'uint8' | 'uint16';
export const QUANTIZE_MODES: readonly QuantizeMode[] = ['none', 'float16', 'uint8', 'uint16'];

/** A weights manifest entry, as `tf.io.WeightsManifestEntry` (float32 weights only). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' } | { dtype: 'uint8' | 'uint16'; scale: number; min: number };
}

export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TensorReport {
  name: string;
  /** What the tensor was finally written as. */
  encoding: 'float32' | 'float16' | 'uint8' | 'uint16';
  /** Largest |decoded − original|. */
  maxAbsError: number;
  /** RMS error divided by the RMS of the values (0 for an all-zero tensor). */
  relativeError: number;
  /** Why the encoding differs from the requested mode, if it does. */
  note?: string;
}

export interface QuantizeOptions {
  /** uint8/uint16: relative RMS error above which a tensor falls back to float16. Default 0.02. */
  maxRelativeError?: number;
  /** uint8/uint16: tensors with fewer values than this are written as float16. Default 1024. */
  minValuesToQuantize?: number;
}

export interface QuantizedWeights {
  specs: WeightSpec[];
  /** All tensors, concatenated in spec order. */
  data: Uint8Array;
  report: TensorReport[];
}

const BYTES: Record<TensorReport['encoding'], number> = { float32: 4, float16: 2, uint8: 1, uint16: 2 };

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** One float32 → IEEE 754 half bits, round to nearest even; overflow → ±Inf, NaN kept. */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** IEEE half bits → number. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function decodeFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}

/** Per-tensor affine quantization. A constant tensor gets scale 1 (never 0) and decodes exactly. */
export function quantizeAffine(
  values: Float32Array,
  dtype: 'uint8' | 'uint16',
): { data: Uint8Array | Uint16Array; scale: number; min: number } {
  const levels = dtype === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    if (values.length === 0) {
      min = 0;
      max = 0;
    } else throw new Error(`cannot quantize a tensor holding NaN or Infinity`);
  }
  // Math.fround so that the JSON `min` is exactly the float32 the tensor had.
  min = Math.fround(min);
  const scale = max > min ? (max - min) / levels : 1;
  const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] - min) / scale);
    data[i] = q < 0 ? 0 : q > levels ? levels : q;
  }
  return { data, scale, min };
}

/** Decode exactly as tfjs does (v · scale + min in double, stored as float32). */
export function dequantizeAffine(data: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * scale + min;
  return out;
}

function errorStats(original: Float32Array, decoded: Float32Array): { maxAbsError: number; relativeError: number } {
  let maxAbs = 0;
  let se = 0;
  let sv = 0;
  for (let i = 0; i < original.length; i++) {
    const d = Math.abs(decoded[i] - original[i]);
    if (d > maxAbs) maxAbs = d;
    se += d * d;
    sv += original[i] * original[i];
  }
  return { maxAbsError: maxAbs, relativeError: sv > 0 ? Math.sqrt(se / sv) : se > 0 ? Infinity : 0 };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Encode named float32 weights with a mode; returns manifest entries, one buffer and a per-tensor report. */
export function quantizeWeights(weights: NamedWeight[], mode: QuantizeMode, options: QuantizeOptions = {}): QuantizedWeights {
  if (!QUANTIZE_MODES.includes(mode)) throw new Error(`unknown quantization "${mode}" (use ${QUANTIZE_MODES.join(', ')})`);
  const maxRel = options.maxRelativeError ?? 0.02;
  const minValues = options.minValuesToQuantize ?? 1024;
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  const report: TensorReport[] = [];
  for (const w of weights) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (count !== w.values.length) {
      throw new Error(`weight ${w.name}: shape [${w.shape}] holds ${count} values but ${w.values.length} were given`);
    }
    const spec: WeightSpec = { name: w.name, shape: [...w.shape], dtype: 'float32' };
    let part: Uint8Array;
    let entry: TensorReport;
    const asFloat16 = (note?: string): void => {
      const bits = encodeFloat16(w.values);
      spec.quantization = { dtype: 'float16' };
      part = bytesOf(bits);
      entry = { name: w.name, encoding: 'float16', ...errorStats(w.values, decodeFloat16(bits)), ...(note ? { note } : {}) };
    };
    if (mode === 'none') {
      part = bytesOf(new Float32Array(w.values));
      entry = { name: w.name, encoding: 'float32', maxAbsError: 0, relativeError: 0 };
    } else if (mode === 'float16') {
      asFloat16();
    } else if (count < minValues) {
      asFloat16(`small tensor (${count} values): float16`);
    } else {
      const q = quantizeAffine(w.values, mode);
      const stats = errorStats(w.values, dequantizeAffine(q.data, q.scale, q.min));
      if (stats.relativeError > maxRel) {
        asFloat16(`${mode} relative error ${stats.relativeError.toFixed(4)} > ${maxRel}: fell back to float16`);
      } else {
        spec.quantization = { dtype: mode, scale: q.scale, min: q.min };
        part = bytesOf(q.data);
        entry = { name: w.name, encoding: mode, ...stats };
      }
    }
    specs.push(spec);
    parts.push(part!);
    report.push(entry!);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return { specs, data, report };
}

/** Bytes one manifest entry occupies in the weights data (float32 weights only). */
export function specByteLength(spec: { shape: number[]; dtype: string; quantization?: { dtype: string } }): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const enc = (spec.quantization?.dtype ?? spec.dtype) as TensorReport['encoding'];
  const bytes = BYTES[enc];
  if (bytes === undefined) throw new Error(`unsupported weight encoding "${enc}"`);
  return count * bytes;
}

/** Split a buffer into shards of at most `shardBytes` (tfjs's default is 4 MiB). */
export function splitShards(data: Uint8Array, shardBytes = 4 * 1024 * 1024): Uint8Array[] {
  if (data.byteLength === 0) return [new Uint8Array(0)];
  const shards: Uint8Array[] = [];
  for (let off = 0; off < data.byteLength; off += shardBytes) shards.push(data.subarray(off, Math.min(off + shardBytes, data.byteLength)));
  return shards;
}

/** tfjs's shard naming: group1-shard1of3.bin, … */
export function shardFileNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}
