/**
 * Packing a generator into theme files, in memory: model.json (tfjs layers
 * format with a quantized weights manifest), weight shards and theme.json.
 * The trainer writes the result to a folder; tests read it back through the
 * same validating loader the game uses (`memorySource`).
 */
import * as tf from '@tensorflow/tfjs';
import { quantizeWeights, shardFileNames, splitShards, type NamedWeight, type QuantizeMode, type QuantizeOptions, type TensorReport } from './quantize';
import { MODEL_FILE, THEME_FILE, THEME_FORMAT, THEME_VERSION, type ThemeJson, type ThemeReaderSource } from './theme';

export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Everything in theme.json except what packing computes (format, version, weights). */
export type ThemeMeta = Omit<ThemeJson, 'format' | 'version' | 'weights'> & { fidelity?: ThemeJson['weights']['fidelity'] };

export interface PackedTheme {
  theme: ThemeJson;
  /** model.json and shards, by relative path (theme.json is added by `themeFileMap`). */
  files: Map<string, Uint8Array>;
  report: TensorReport[];
}

/** The model's topology and float32 weights, as `model.save` would write them. */
export async function modelArtifacts(model: tf.LayersModel): Promise<{ topology: object; weights: NamedWeight[] }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || !artifacts.weightData || !artifacts.modelTopology) throw new Error('model.save produced no weights');
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const weights = artifacts.weightSpecs.map((s) => {
    const t = decoded[s.name];
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return { name: s.name, shape: s.shape, values };
  });
  return { topology: artifacts.modelTopology as object, weights };
}

export async function packTheme(
  model: tf.LayersModel,
  meta: ThemeMeta,
  quantization: QuantizeMode,
  options: QuantizeOptions & { shardBytes?: number } = {},
): Promise<PackedTheme> {
  const { topology, weights } = await modelArtifacts(model);
  const { specs, data, report } = quantizeWeights(weights, quantization, options);
  const shards = splitShards(data, options.shardBytes ?? DEFAULT_SHARD_BYTES);
  const names = shardFileNames(shards.length);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: 'doodle2photo export',
    modelTopology: topology,
    weightsManifest: [{ paths: names, weights: specs }],
  };
  const files = new Map<string, Uint8Array>();
  files.set(MODEL_FILE, new TextEncoder().encode(JSON.stringify(modelJson)));
  shards.forEach((s, i) => files.set(names[i], s));
  const { fidelity, ...rest } = meta;
  const theme: ThemeJson = {
    format: THEME_FORMAT,
    version: THEME_VERSION,
    ...rest,
    config: { ...meta.config },
    weights: {
      format: 'tfjs-layers',
      model: MODEL_FILE,
      quantization,
      bytes: data.byteLength,
      files: names.map((path, i) => ({ path, bytes: shards[i].byteLength })),
      parameters: weights.reduce((n, w) => n + w.values.length, 0),
      ...(fidelity ? { fidelity } : {}),
    },
  };
  return { theme, files, report };
}

/** All files of a packed theme, theme.json included (serialized from `theme` as it is now). */
export function themeFileMap(packed: PackedTheme, extra: Map<string, Uint8Array> = new Map()): Map<string, Uint8Array> {
  const all = new Map(packed.files);
  for (const [k, v] of extra) all.set(k, v);
  all.set(THEME_FILE, new TextEncoder().encode(`${JSON.stringify(packed.theme, null, 2)}\n`));
  return all;
}

/** A source over files in memory, for the validating loader. */
export function memorySource(files: Map<string, Uint8Array>, label = 'memory'): ThemeReaderSource {
  return {
    label,
    read: async (path) => {
      const f = files.get(path);
      if (!f) throw new Error('no such file');
      return f;
    },
    size: async (path) => files.get(path)?.byteLength,
  };
}
