// Shared test support for the wasm conv kernels: the shapes to test (the
// pix2pix shapes plus seeded random ones), and helpers to run the same op on
// two backends and compare. Used by shared/kernels and trainer/kernels tests.
import * as tf from '@tensorflow/tfjs';
import { setDataMovers } from './wasm_util.js';
import { expect } from 'vitest';
import { Rng } from '../random';

export type Pad = 'same' | 'valid' | number;
export interface Case {
  batch: number;
  size: [number, number];
  inC: number;
  outC: number;
  filter: [number, number];
  stride: number;
  pad: Pad;
}

const seeded = new Rng(1234);
const rng = () => seeded.next();
const randInt = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export function randomData(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

const FIXED: Case[] = [
  // The pix2pix shapes: 4×4 stride 2 'same' (U-Net, PatchGAN), 4×4 stride 1 (PatchGAN tail).
  { batch: 1, size: [16, 16], inC: 3, outC: 8, filter: [4, 4], stride: 2, pad: 'same' },
  { batch: 3, size: [8, 8], inC: 8, outC: 16, filter: [4, 4], stride: 2, pad: 'same' },
  { batch: 2, size: [9, 7], inC: 5, outC: 4, filter: [4, 4], stride: 1, pad: 'same' },
  { batch: 2, size: [10, 10], inC: 6, outC: 1, filter: [4, 4], stride: 1, pad: 'valid' },
  { batch: 4, size: [2, 2], inC: 16, outC: 16, filter: [4, 4], stride: 2, pad: 'same' },
  { batch: 1, size: [7, 9], inC: 3, outC: 5, filter: [3, 3], stride: 2, pad: 'valid' },
  { batch: 2, size: [6, 6], inC: 4, outC: 3, filter: [3, 3], stride: 2, pad: 1 },
  { batch: 2, size: [5, 5], inC: 2, outC: 3, filter: [1, 1], stride: 1, pad: 'same' },
];
const RANDOM: Case[] = Array.from({ length: 16 }, () => ({
  batch: randInt(1, 4),
  size: [randInt(1, 13), randInt(1, 13)] as [number, number],
  inC: randInt(1, 9),
  outC: randInt(1, 9),
  filter: [randInt(1, 5), randInt(1, 5)] as [number, number],
  stride: randInt(1, 3),
  pad: (['same', 'valid', 'same'] as const)[randInt(0, 2)],
})).filter((c) => c.pad !== 'valid' || (c.size[0] >= c.filter[0] && c.size[1] >= c.filter[1]));
export const CASES = [...FIXED, ...RANDOM];

export function describeCase(c: Case): string {
  return `b${c.batch} ${c.size.join('x')}x${c.inC}→${c.outC} f${c.filter.join('x')} s${c.stride} ${c.pad}`;
}

/** Runs fn on a backend with tensors built there from the same arrays. */
export async function onBackend(name: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const t = fn();
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

export function outShape(c: Case): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.size[0], c.size[1], c.inC],
    [c.filter[0], c.filter[1], c.inC, c.outC],
    c.stride,
    1,
    c.pad,
  );
  return info.outShape;
}

export function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-5, floor = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let maxErr = 0;
  let maxRef = floor;
  for (let i = 0; i < actual.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  expect(maxErr / maxRef).toBeLessThan(tol);
}


/**
 * Runs `check` with the wasm SIMD data movers (data_movers.wat, the default)
 * and again with the TypeScript loops they replace, so both stay correct.
 */
export async function withBothDataMovers(check: () => Promise<void>): Promise<void> {
  for (const simd of [true, false]) {
    setDataMovers(simd);
    try {
      await check();
    } finally {
      setDataMovers(true);
    }
  }
}
