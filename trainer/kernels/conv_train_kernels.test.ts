import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { Rng } from '../../shared/random.js';

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

describe('wasm training kernels match the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each(CASES.map((c) => [describeCase(c), c] as const))('Conv2DBackpropFilter %s', async (_name, c) => {
    const xShape = [c.batch, c.size[0], c.size[1], c.inC] as const;
    const dyShape = outShape(c);
    const x = randomData(xShape.reduce((a, b) => a * b));
    const dy = randomData(dyShape.reduce((a, b) => a * b));
    const run = () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(x, [...xShape]), dy: tf.tensor4d(dy, dyShape) },
        { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.filter[0], c.filter[1], c.inC, c.outC] } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const expected = await onBackend('cpu', () => tf.tidy(run));
    const actual = await onBackend('wasm', () => tf.tidy(run));
    expectClose(actual, expected);
  });

  it('trains a conv / conv-transpose / batch-norm net: gradients equal cpu, no tensor leaks', async () => {
    const build = () => {
      const input = tf.input({ shape: [16, 16, 3] });
      let h = tf.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
      h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
      h = tf.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: h });
    };
    const xData = randomData(2 * 16 * 16 * 3);
    const gradsOn = async (name: string) => {
      await tf.setBackend(name);
      const model = build();
      const x = tf.tensor4d(xData, [2, 16, 16, 3]);
      const loss = () => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar;
      const warm = tf.variableGrads(loss); // warm-up: layers caches a few constants
      tf.dispose([warm.value, ...Object.values(warm.grads)]);
      const before = tf.memory().numTensors;
      const beforeData = tf.engine().backend.numDataIds();
      const { value, grads } = tf.variableGrads(loss);
      const out: Float32Array[] = [];
      for (const v of model.trainableWeights) out.push((await grads[v.originalName].data()) as Float32Array);
      tf.dispose([value, ...Object.values(grads)]);
      const leaked = tf.memory().numTensors - before;
      const leakedData = tf.engine().backend.numDataIds() - beforeData;
      x.dispose();
      model.dispose();
      return { out, leaked, leakedData };
    };
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    expect(wasm.leaked).toBe(0);
    // Backend buffers: whatever tfjs itself keeps (the same on cpu), nothing more.
    expect(wasm.leakedData).toBe(cpu.leakedData);
    expect(wasm.out.length).toBe(cpu.out.length);
    // The conv bias before batch norm has a true gradient of 0: compare against the gradients' scale.
    const scale = Math.max(...cpu.out.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    wasm.out.forEach((g, i) => expectClose(g, cpu.out[i], 1e-4, scale));
  });
});
