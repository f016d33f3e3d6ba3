import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import '../../shared/layers/instanceNorm';
import { specByteLength } from '../../shared/quantize';
import { writeFileAtomic } from './atomic';
import { BadInputError } from '../../shared/errors';

/**
 * A tfjs layers model in a folder, in the standard format (model.json +
 * weights.bin) that `tf.loadLayersModel` reads. Node only; tfjs-node's
 * `file://` handler is not available here (tfjs-node does not install).
 */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export async function saveModelDir(model: tf.LayersModel, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData
        ? new Uint8Array(tf.io.concatenateArrayBuffers([artifacts.weightData].flat() as ArrayBuffer[]))
        : new Uint8Array(0);
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), weightData);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

export class ModelFileError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Reads model.json + its weight shards from `dir` into memory artifacts, checking sizes first. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = path.join(dir, MODEL_JSON);
  let parsed: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    parsed = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
  } catch (e) {
    throw new ModelFileError(`${jsonPath}: cannot read a model (${(e as Error).message})`);
  }
  if (!parsed.modelTopology || !Array.isArray(parsed.weightsManifest)) {
    throw new ModelFileError(`${jsonPath}: not a tfjs layers model (modelTopology or weightsManifest missing)`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of parsed.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw new ModelFileError(`${jsonPath}: a weightsManifest group lacks "paths" or "weights"`);
    specs.push(...group.weights);
    const need = group.weights.reduce((sum, s) => sum + specByteLength(s), 0);
    let have = 0;
    const files: string[] = [];
    for (const p of group.paths) {
      const file = path.join(dir, p);
      const data = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new ModelFileError(`${file}: cannot read the weights of ${jsonPath} (${e.code ?? e.message})`);
      });
      have += data.byteLength;
      files.push(file);
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    }
    // A truncated (or padded) weights file is named here, not left to tfjs's "should have N values".
    if (have !== need) {
      throw new ModelFileError(`${files.join(', ')}: ${have} bytes, but ${jsonPath} declares ${need} (truncated or damaged file)`);
    }
  }
  return {
    modelTopology: parsed.modelTopology as object,
    weightSpecs: specs,
    weightData: tf.io.concatenateArrayBuffers(buffers),
  };
}

export async function loadModelDir(dir: string): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(dir);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
