/** Training and inference timings in this Node process, on the current tfjs backend. */
import * as tf from '@tensorflow/tfjs';
import { defaultConfig, generatorInChannels, type ModelConfig } from '../../shared/config.js';
import { buildGenerator } from '../../shared/generator.js';
import { Pix2PixModel } from '../../shared/pix2pix.js';
import { median, percentile } from './report.js';

export interface TrainTiming {
  secPerIter: number;
  cpuSecPerIter: number;
  times: number[];
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** Median seconds per pix2pix iteration after one warm-up iteration. */
export async function timeTraining(size: number, ngf: number, ndf: number, batch: number, iters: number): Promise<TrainTiming> {
  const model = new Pix2PixModel(defaultConfig({ size, ngf, ndf }));
  const edges = tf.randomUniform([batch, size, size, 3], -1, 1) as tf.Tensor4D;
  const photos = tf.randomUniform([batch, size, size, 3], -1, 1) as tf.Tensor4D;
  try {
    await model.trainStep(edges, photos); // warm-up: kernel setup, JIT, allocator
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await model.trainStep(edges, photos);
      cpu.push(cpuSeconds(c0));
      times.push((performance.now() - t0) / 1000);
    }
    return { secPerIter: median(times), cpuSecPerIter: median(cpu), times };
  } finally {
    tf.dispose([edges, photos]);
    model.dispose();
  }
}

export interface InferTiming {
  medianMs: number;
  p95Ms: number;
  times: number[];
}

/** predict + read back, batch 1, after one warm-up run (random weights: speed does not depend on them). */
export async function timeInference(config: ModelConfig, iters: number): Promise<InferTiming> {
  const generator = buildGenerator(config);
  const input = tf.randomUniform([1, config.size, config.size, generatorInChannels(config)], -1, 1);
  try {
    const run = async () => {
      const out = generator.predict(input) as tf.Tensor;
      await out.data();
      out.dispose();
    };
    await run();
    const times: number[] = [];
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    return { medianMs: median(times), p95Ms: percentile(times, 95), times };
  } finally {
    input.dispose();
    generator.dispose();
  }
}

/** Generator multiply-adds per image (convolutions and transposed convolutions). */
export function generatorMacs(config: ModelConfig): number {
  const generator = buildGenerator(config);
  let macs = 0;
  for (const layer of generator.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Conv2DTranspose') continue;
    const kernel = layer.getWeights()[0].shape; // [kh, kw, in, out] (transpose: [kh, kw, out, in])
    const taps = kernel.reduce((a, b) => a * b, 1);
    const inShape = (layer.input as tf.SymbolicTensor).shape;
    const outShape = (layer.output as tf.SymbolicTensor).shape;
    // A conv does `taps` MACs per output pixel; a transposed conv does them per input pixel.
    const pixels = cls === 'Conv2D' ? outShape[1]! * outShape[2]! : (inShape[1] as number) * (inShape[2] as number);
    macs += taps * pixels;
  }
  generator.dispose();
  return macs;
}
