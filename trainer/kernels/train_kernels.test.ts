import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { Rng } from '../../shared/random.js';
import { batchNormGradConfig, coreBatchNormGrad } from './batchnorm_grad.js';

const rng = new Rng(99);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let err = 0;
  let ref = 1e-6;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    ref = Math.max(ref, Math.abs(b[i]));
  }
  return err / ref;
}

describe('fused training ops', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each([
    ['cpu', [2, 5, 4, 3]],
    ['wasm', [3, 6, 6, 8]],
    ['wasm', [2, 2, 2, 4]],
  ] as const)('batch-norm gradient (moments + batchNorm, as in training) equals tfjs-core on %s %j', async (backend, shape) => {
    await tf.setBackend(backend);
    const c = shape[3];
    const x = tf.tensor4d(rand(shape.reduce((a, b) => a * b)), [...shape]);
    const gamma = tf.tensor1d(rand(c).map((v) => 1 + v / 2));
    const beta = tf.tensor1d(rand(c));
    const w = tf.tensor4d(rand(shape.reduce((a, b) => a * b)), [...shape]);
    const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, [0, 1, 2]);
      return tf.batchNorm(xx, mean, variance, bb, gg, 1e-5).mul(w).sum();
    };
    const grads = async () => {
      const gs = tf.grads(f)([x, gamma, beta]);
      const out = await Promise.all(gs.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(gs);
      return out;
    };
    const ours = await grads();
    expect(coreBatchNormGrad).toBeDefined();
    tf.registerGradient(coreBatchNormGrad!);
    let core: Float32Array[];
    try {
      core = await grads();
    } finally {
      tf.registerGradient(batchNormGradConfig);
    }
    ours.forEach((g, i) => expect(maxRelErr(g, core[i])).toBeLessThan(1e-4));
    tf.dispose([x, gamma, beta, w]);
  });
});
