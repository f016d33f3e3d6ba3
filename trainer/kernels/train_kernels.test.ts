import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { Rng } from '../../shared/random.js';
import { promises as fs } from 'node:fs';
import { batchNormGradConfig, coreBatchNormGrad } from './batchnorm_grad.js';
import { fusedAdamLoop, setAdamSimd } from './adam.js';
import { WASM_BASE64 } from './adam_simd.wasm.js';
import { compileWat, WAT_SOURCES } from './wat.js';

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

  it.each<[string, number[]]>([
    ['cpu', [2, 5, 4, 3]],
    ['wasm', [3, 6, 6, 8]],
    ['wasm', [2, 2, 2, 4]],
  ])('batch-norm gradient (moments + batchNorm, as in training) equals tfjs-core on %s %j', async (backend, shape) => {
    await tf.setBackend(backend);
    const c = shape[3];
    const x = tf.tensor(rand(shape.reduce((a, b) => a * b)), shape);
    const gamma = tf.tensor1d(rand(c).map((v) => 1 + v / 2));
    const beta = tf.tensor1d(rand(c));
    const w = tf.tensor(rand(shape.reduce((a, b) => a * b)), shape);
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

  it('fused Adam on wasm follows tfjs Adam on cpu for several steps, state and checkpoints included', async () => {
    const shapes = [[4, 4, 3, 8], [8], [17], [3]]; // 17 and 3: the SIMD loop's scalar tail
    const init = shapes.map((s) => rand(s.reduce((a, b) => a * b)));
    const gradsPerStep = [0, 1, 2].map(() => shapes.map((s) => rand(s.reduce((a, b) => a * b))));
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const vars = init.map((v, i) => tf.variable(tf.tensor(v, shapes[i]), true, `adamtest_${backend}_${i}`));
      const opt = tf.train.adam(0.01, 0.5, 0.999);
      const step = (grads: Float32Array[]) => {
        const gs = grads.map((g, i) => tf.tensor(g, shapes[i]));
        const map: Record<string, tf.Tensor> = {};
        vars.forEach((v, i) => (map[v.name] = gs[i]));
        opt.applyGradients(map as unknown as Parameters<typeof opt.applyGradients>[0]);
        tf.dispose(gs);
      };
      step(gradsPerStep[0]);
      const before = tf.memory().numTensors;
      for (const grads of gradsPerStep.slice(1)) step(grads);
      const leaked = tf.memory().numTensors - before;
      const values = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
      const state = await opt.getWeights();
      const stateValues = await Promise.all(state.map((s) => s.tensor.data() as Promise<Float32Array>));
      opt.dispose();
      tf.dispose(vars);
      return { values, stateValues, leaked };
    };
    const cpu = await run('cpu');
    // Both loops of the fused kernel: the SIMD module (the default) and the TypeScript fallback.
    for (const simd of [true, false]) {
      setAdamSimd(simd);
      try {
        const wasm = await run('wasm');
        expect(fusedAdamLoop(tf.backend())).toBe(simd ? 'simd' : 'typescript');
        expect(wasm.leaked).toBe(0);
        wasm.values.forEach((v, i) => expect(maxRelErr(v, cpu.values[i])).toBeLessThan(1e-5));
        expect(wasm.stateValues.length).toBe(cpu.stateValues.length);
        wasm.stateValues.forEach((v, i) => expect(maxRelErr(v, cpu.stateValues[i])).toBeLessThan(1e-5));
      } finally {
        setAdamSimd(true);
      }
    }
  });

  it('the committed SIMD module is the compiled adam_simd.wat (rerun scripts/build-wasm.ts after editing it)', async () => {
    const source = await fs.readFile(WAT_SOURCES[0], 'utf8');
    const bytes = await compileWat(source, 'adam_simd.wat');
    expect(Buffer.from(bytes).toString('base64')).toBe(WASM_BASE64);
  });
});
