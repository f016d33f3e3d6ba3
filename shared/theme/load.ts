/** From validated theme files to a tfjs model: modelFromThemeFiles and loadTheme. Part of shared/theme.ts. */
import * as tf from '@tensorflow/tfjs';
import '../generator'; // registers the custom layers the topology may name
import { ThemeError, type ThemeJson } from './schema';
import { type ReadOptions, readTheme, type ThemeFiles, type ThemeSource } from './sources';

/** Builds the generator from validated files with tf.loadLayersModel (which dequantizes). */
export async function modelFromThemeFiles(files: ThemeFiles): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[], weightData: files.weightData }),
    );
  } catch (e) {
    throw new ThemeError('load-failed', `${files.label}/${files.theme.weights.model}`, `TensorFlow.js could not build the model: ${(e as Error).message}`);
  }
}

export interface LoadedTheme {
  theme: ThemeJson;
  model: tf.LayersModel;
  label: string;
  resolve(path: string): string;
}

/** readTheme + modelFromThemeFiles. */
export async function loadTheme(source: ThemeSource, options: ReadOptions = {}): Promise<LoadedTheme> {
  const files = await readTheme(source, options);
  const model = await modelFromThemeFiles(files);
  return { theme: files.theme, model, label: files.label, resolve: files.resolve };
}
