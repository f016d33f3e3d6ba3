import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { convForwardConfigs, setConvRoute } from './conv2d.js';
import { registerWasmInferenceKernels, replaceKernel, wasmInferenceKernelsRegistered } from './index.js';
import { Rng } from '../random.js';

type Pad = 'same' | 'valid' | number;
interface Case {
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
function randomData(n: number): Float32Array {
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
const CASES = [...FIXED, ...RANDOM];

function describeCase(c: Case): string {
  return `b${c.batch} ${c.size.join('x')}x${c.inC}→${c.outC} f${c.filter.join('x')} s${c.stride} ${c.pad}`;
}

/** Runs fn on a backend with tensors built there from the same arrays. */
async function onBackend(name: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const t = fn();
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

function outShape(c: Case): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.size[0], c.size[1], c.inC],
    [c.filter[0], c.filter[1], c.inC, c.outC],
    c.stride,
    1,
    c.pad,
  );
  return info.outShape;
}

function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-5, floor = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let maxErr = 0;
  let maxRef = floor;
  for (let i = 0; i < actual.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  expect(maxErr / maxRef).toBeLessThan(tol);
}

/** The SIMD wasm build from node_modules, single-threaded (Node cannot start the threaded build's worker). */
async function useWasm(): Promise<void> {
  const dir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(dir + path.sep);
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
}

describe('wasm inference kernels match the cpu backend', () => {
  beforeAll(async () => {
    const names = registerWasmInferenceKernels();
    expect(names).toEqual(['Conv2DBackpropInput']);
    // The forward-conv route is registered by the trainer only; its test lives here beside it.
    for (const config of convForwardConfigs()) replaceKernel(config);
    await useWasm();
  });

  it('registerWasmInferenceKernels is idempotent', () => {
    expect(wasmInferenceKernelsRegistered()).toBe(true);
    expect(registerWasmInferenceKernels()).toEqual([]);
  });

  it.each(CASES.map((c) => [describeCase(c), c] as const))('Conv2DBackpropInput %s', async (_name, c) => {
    const xShape: [number, number, number, number] = [c.batch, c.size[0], c.size[1], c.inC];
    const fShape = [c.filter[0], c.filter[1], c.inC, c.outC] as [number, number, number, number];
    const dyShape = outShape(c);
    const f = randomData(fShape.reduce((a, b) => a * b));
    const dy = randomData(dyShape.reduce((a, b) => a * b));
    const run = () =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(f, fShape) },
        { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: xShape } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const expected = await onBackend('cpu', () => tf.tidy(run));
    const actual = await onBackend('wasm', () => tf.tidy(run));
    expectClose(actual, expected);
  });

  it.each(CASES.map((c) => [describeCase(c), c] as const))('Conv2D / FusedConv2D (GEMM route) %s', async (_name, c) => {
    const xShape: [number, number, number, number] = [c.batch, c.size[0], c.size[1], c.inC];
    const fShape = [c.filter[0], c.filter[1], c.inC, c.outC] as [number, number, number, number];
    const x = randomData(xShape.reduce((a, b) => a * b));
    const f = randomData(fShape.reduce((a, b) => a * b));
    const bias = randomData(c.outC);
    for (const activation of ['linear', 'relu', 'leakyrelu'] as const) {
      const run = () =>
        tf.fused.conv2d({
          x: tf.tensor4d(x, xShape),
          filter: tf.tensor4d(f, fShape),
          strides: c.stride,
          pad: c.pad,
          bias: tf.tensor1d(bias),
          activation,
          leakyreluAlpha: 0.2,
        });
      const plain = () => tf.conv2d(tf.tensor4d(x, xShape), tf.tensor4d(f, fShape), c.stride, c.pad);
      setConvRoute('gemm');
      try {
        expectClose(await onBackend('wasm', () => tf.tidy(run)), await onBackend('cpu', () => tf.tidy(run)));
        if (activation === 'linear') expectClose(await onBackend('wasm', () => tf.tidy(plain)), await onBackend('cpu', () => tf.tidy(plain)));
      } finally {
        setConvRoute('auto');
      }
    }
  });

  it('a Conv2DTranspose layer (the U-Net decoder) gives the cpu backend\'s output', async () => {
    const layer = tf.layers.conv2dTranspose({ filters: 6, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
    const xData = randomData(2 * 5 * 5 * 12);
    const run = () => layer.apply(tf.tensor4d(xData, [2, 5, 5, 12])) as tf.Tensor;
    await tf.setBackend('cpu');
    const expected = tf.tidy(run);
    const expectedData = (await expected.data()) as Float32Array;
    expected.dispose();
    await tf.setBackend('wasm'); // the layer's weights move over with their values
    const actual = tf.tidy(run);
    expectClose((await actual.data()) as Float32Array, expectedData);
    actual.dispose();
  });
});
