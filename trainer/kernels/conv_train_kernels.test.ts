import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { CASES, describeCase, expectClose, onBackend, outShape, randomData, withBothDataMovers } from '../../shared/kernels/convTestCases';


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
    await withBothDataMovers(async () => expectClose(await onBackend('wasm', () => tf.tidy(run)), expected));
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
