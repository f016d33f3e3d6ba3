// Keeps what a later round needs to continue a theme's training, in the repo beside (not inside)
// the theme folders the game loads: the run's state.json and its generator and discriminator with
// float16 weights (half the bytes; the float16 rounding is far below what one training step moves).
// Adam's moments are left out (twice G's size again): `train --init-from DIR` starts a fresh Adam
// from them, as from any imported run.
//   npx tsx scripts/keep-training-state.ts RUN_DIR OUT_DIR      e.g. runs/shoes-ft training-state/shoes
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_DIR, STATE_FILE } from '../trainer/checkpoint';
import { writeFileAtomic } from '../trainer/io/atomic';
import { MODEL_JSON, WEIGHTS_BIN, readModelArtifacts } from '../trainer/io/modelDir';
import { quantizeWeights } from '../shared/quantize';

const [run, out] = process.argv.slice(2);
if (!run || !out) {
  console.error('usage: tsx scripts/keep-training-state.ts RUN_DIR OUT_DIR');
  process.exit(2);
}
const from = path.join(run, CHECKPOINT_DIR);
const to = path.join(out, CHECKPOINT_DIR);
await fs.mkdir(to, { recursive: true });
for (const part of ['generator', 'discriminator']) {
  const artifacts = await readModelArtifacts(path.join(from, part));
  const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const named = artifacts.weightSpecs!.map((s) => ({ name: s.name, shape: s.shape, values: decoded[s.name].dataSync() as Float32Array }));
  const packed = quantizeWeights(named, 'float16');
  tf.dispose(Object.values(decoded));
  await fs.mkdir(path.join(to, part), { recursive: true });
  await writeFileAtomic(path.join(to, part, WEIGHTS_BIN), packed.data);
  await writeFileAtomic(path.join(to, part, MODEL_JSON), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: [WEIGHTS_BIN], weights: packed.specs }] }));
  console.log(`${part}: ${packed.data.byteLength} bytes`);
}
// state.json last: a folder with it is complete (trainer/checkpoint.ts).
await writeFileAtomic(path.join(to, STATE_FILE), await fs.readFile(path.join(from, STATE_FILE)));
console.log(`kept ${from} in ${to} (no optimizer state: --init-from starts a fresh Adam)`);
