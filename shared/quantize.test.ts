import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from './random';
import {
  decodeFloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  quantizeAffine,
  quantizeWeights,
  specByteLength,
  splitShards,
  type NamedWeight,
} from './quantize';

function gaussian(n: number, std: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * std);
}

/** Decode with tfjs's own decoder, the one tf.loadLayersModel uses. */
function tfDecode(data: Uint8Array, specs: tf.io.WeightsManifestEntry[]): Record<string, Float32Array> {
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const map = tf.io.decodeWeights(buf, specs);
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(map)) {
    out[k] = t.dataSync() as Float32Array;
    t.dispose();
  }
  return out;
}

describe('float16', () => {
  it('encodes known values bit-exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [1e6, 0x7c00], // overflow → Inf
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -14, 0x0400], // smallest normal
      [0.1, 0x2e66],
      [1 + 2 ** -11, 0x3c00], // halfway, ties to even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway, ties to even (up)
      [2 ** -26, 0x0000], // underflow
    ];
    for (const [v, bits] of cases) expect(float32ToFloat16Bits(v), `value ${v}`).toBe(bits);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  it('round-trips every half value exactly and agrees with tfjs decoding', () => {
    const all = new Uint16Array(0x10000).map((_, i) => i);
    const decoded = decodeFloat16(all);
    const reencoded = encodeFloat16(decoded);
    for (let i = 0; i < 0x10000; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (!isNaN) expect(reencoded[i]).toBe(i);
    }
    const values = gaussian(5000, 0.05);
    const { specs, data } = quantizeWeights([{ name: 'w', shape: [5000], values }], 'float16');
    const viaTf = tfDecode(data, specs as tf.io.WeightsManifestEntry[]).w;
    const mine = decodeFloat16(encodeFloat16(values));
    let maxRel = 0;
    for (let i = 0; i < values.length; i++) {
      expect(viaTf[i]).toBe(mine[i]);
      if (Math.abs(values[i]) > 1e-4) maxRel = Math.max(maxRel, Math.abs(mine[i] - values[i]) / Math.abs(values[i]));
    }
    expect(maxRel).toBeLessThanOrEqual(2 ** -11);
  });
});

describe('affine uint8/uint16', () => {
  it('a constant tensor gets a non-zero scale and decodes exactly through tfjs', () => {
    const values = new Float32Array(2048).fill(0.7);
    const q = quantizeAffine(values, 'uint8');
    expect(q.scale).not.toBe(0);
    const { specs, data } = quantizeWeights([{ name: 'c', shape: [2048], values }], 'uint8');
    expect(specs[0].quantization).toMatchObject({ dtype: 'uint8' });
    expect((specs[0].quantization as { scale: number }).scale).toBeGreaterThan(0);
    const back = tfDecode(data, specs as tf.io.WeightsManifestEntry[]).c;
    expect(Array.from(new Set(back))).toEqual([Math.fround(0.7)]);
  });

  it('uint8 error is at most half a step; tfjs decodes to the same numbers', () => {
    const values = gaussian(4096, 0.02, 3);
    const { specs, data, report } = quantizeWeights([{ name: 'k', shape: [16, 256], values }], 'uint8');
    const spec = specs[0];
    expect(spec.quantization?.dtype).toBe('uint8');
    const { scale } = spec.quantization as { scale: number; min: number };
    const back = tfDecode(data, specs as tf.io.WeightsManifestEntry[]).k;
    let maxAbs = 0;
    for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(back[i] - values[i]));
    expect(maxAbs).toBeLessThanOrEqual(scale / 2 + 1e-7);
    expect(report[0].maxAbsError).toBeCloseTo(maxAbs, 7);
    expect(data.byteLength).toBe(4096);
  });

  it('falls back to float16 where uint8 is too lossy, and for small tensors', () => {
    // One huge outlier makes a uint8 step larger than all the other values.
    const values = gaussian(4096, 0.01, 5);
    values[17] = 50;
    const weights: NamedWeight[] = [
      { name: 'outlier', shape: [4096], values },
      { name: 'bias', shape: [8], values: gaussian(8, 1) },
      { name: 'fine', shape: [64, 64], values: gaussian(4096, 0.02, 9) },
    ];
    const { specs, report, data } = quantizeWeights(weights, 'uint8');
    expect(specs.map((s) => s.quantization?.dtype)).toEqual(['float16', 'float16', 'uint8']);
    expect(report[0].note).toMatch(/fell back to float16/);
    expect(report[1].note).toMatch(/small tensor/);
    expect(data.byteLength).toBe(4096 * 2 + 8 * 2 + 4096);
    expect(specs.map(specByteLength).reduce((a, b) => a + b)).toBe(data.byteLength);
    const back = tfDecode(data, specs as tf.io.WeightsManifestEntry[]);
    expect(back.outlier[17]).toBe(50);
  });

  it('none writes float32 unchanged; shards split and rejoin', () => {
    const values = gaussian(1000, 1);
    const { specs, data } = quantizeWeights([{ name: 'x', shape: [10, 100], values }], 'none');
    expect(specs[0].quantization).toBeUndefined();
    expect(tfDecode(data, specs as tf.io.WeightsManifestEntry[]).x).toEqual(values);
    const shards = splitShards(data, 1024);
    expect(shards.map((s) => s.byteLength)).toEqual([1024, 1024, 1024, 928]);
    expect(() => quantizeWeights([{ name: 'bad', shape: [3], values }], 'none')).toThrow(/holds 3 values/);
  });
});
