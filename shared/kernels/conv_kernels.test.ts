import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { convForwardConfigs, setConvRoute } from './conv2d.js';
import { registerWasmInferenceKernels, replaceKernel, wasmInferenceKernelsRegistered } from './index.js';
import { CASES, describeCase, expectClose, onBackend, outShape, randomData, withBothDataMovers } from './convTestCases';
import { setDataMovers, simdDataMoversFor, transpose2d, type WasmBackendLike } from './wasm_util.js';

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
    await withBothDataMovers(async () => expectClose(await onBackend('wasm', () => tf.tidy(run)), expected));
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
        await withBothDataMovers(async () => {
          expectClose(await onBackend('wasm', () => tf.tidy(run)), await onBackend('cpu', () => tf.tidy(run)));
          if (activation === 'linear') expectClose(await onBackend('wasm', () => tf.tidy(plain)), await onBackend('cpu', () => tf.tidy(plain)));
        });
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

describe('transpose2d on the wasm heap', () => {
  beforeAll(useWasm);

  it.each([[1, 1], [3, 5], [4, 4], [8, 12], [33, 70], [64, 129], [130, 36]])('%i×%i: the SIMD module and the TypeScript loop both give the exact transpose', (rows, cols) => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    expect(simdDataMoversFor(backend)).not.toBeNull();
    const data = randomData(rows * cols);
    const x = tf.tensor2d(data, [rows, cols]);
    const expected = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[c * rows + r] = data[r * cols + c];
    for (const simd of [true, false]) {
      setDataMovers(simd);
      try {
        const info = transpose2d(backend, { dataId: x.dataId, shape: x.shape, dtype: 'float32' }, rows, cols);
        const out = tf.engine().makeTensorFromTensorInfo(info);
        expect(out.shape).toEqual([cols, rows]);
        expect(Array.from(out.dataSync())).toEqual(Array.from(expected));
        out.dispose();
      } finally {
        setDataMovers(true);
      }
    }
    x.dispose();
  });
});
