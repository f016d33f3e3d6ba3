/**
 * Where a pix2pix iteration spends its time, per kernel (tf.profile).
 *   npx tsx trainer/bench/profile.ts [--backend wasm] [--size 128] [--ngf 32] [--batch 1] [--iters 3]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../shared/config.js';
import { Pix2PixModel } from '../../shared/pix2pix.js';
import { selectBackend, type BackendChoice } from '../backend.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    size: { type: 'string', default: '128' },
    ngf: { type: 'string', default: '32' },
    batch: { type: 'string', default: '1' },
    iters: { type: 'string', default: '3' },
  },
});
const size = Number(values.size);
const ngf = Number(values.ngf);
const batch = Number(values.batch);
await selectBackend(values.backend as BackendChoice, (m) => console.error(m));

const model = new Pix2PixModel(defaultConfig({ size, ngf, ndf: ngf }));
const edges = tf.randomUniform([batch, size, size, 3], -1, 1) as tf.Tensor4D;
const photos = tf.randomUniform([batch, size, size, 3], -1, 1) as tf.Tensor4D;
await model.trainStep(edges, photos); // warm-up: operator creation, caches
const t0 = performance.now();
const c0 = process.cpuUsage();
const iters = Number(values.iters);
for (let i = 0; i < iters; i++) await model.trainStep(edges, photos);
const secPerIter = (performance.now() - t0) / 1000 / iters;
const cpu = process.cpuUsage(c0);
const cpuPerIter = (cpu.user + cpu.system) / 1e6 / iters;
console.log(`${values.backend} ${size}px ngf ${ngf} batch ${batch}: ${secPerIter.toFixed(3)} s/iter wall, ${cpuPerIter.toFixed(3)} s/iter CPU`);

// Per-kernel CPU time (wall clock is meaningless on a shared, overloaded machine).
const byName = new Map<string, { ms: number; n: number }>();
let depth = 0;
for (const config of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel({
    ...config,
    kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
      if (depth++ > 0) {
        try { return inner(args); } finally { depth--; }
      }
      const c = process.cpuUsage();
      try {
        return inner(args);
      } finally {
        depth--;
        const d = process.cpuUsage(c);
        const e = byName.get(config.kernelName) ?? { ms: 0, n: 0 };
        e.ms += (d.user + d.system) / 1000;
        e.n++;
        byName.set(config.kernelName, e);
        if (process.env.PROFILE_SHAPES?.split(',').includes(config.kernelName)) {
          const shapes = Object.values(args.inputs).map((t) => t && JSON.stringify((t as tf.TensorInfo).shape)).join(' ');
          console.log(`  ${config.kernelName} ${shapes} ${((d.user + d.system) / 1000).toFixed(1)} ms`);
        }
      }
    }) as tf.KernelFunc,
  });
}
const c1 = process.cpuUsage();
await model.trainStep(edges, photos);
const stepCpu = process.cpuUsage(c1);
const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
console.log(`one step: ${((stepCpu.user + stepCpu.system) / 1000).toFixed(0)} ms CPU, in kernels ${total.toFixed(0)} ms`);
for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(5)} calls`);
}
