/**
 * One loaded theme as the engine sees it: edge image in, photo drawn on a
 * canvas out. Loading, validation, framing and value ranges are
 * shared/translator's; this file only adapts it to the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { Translator } from '../../../shared/translator';
import type { ThemeInfo } from '../types';

export interface PhotoModel {
  readonly info: ThemeInfo;
  /** Translates the edge image and draws the photo onto `canvas` (resized to the model size). */
  photo(edges: ImageData, canvas: OffscreenCanvas | HTMLCanvasElement): Promise<void>;
  dispose(): void;
}

export async function loadPhotoModel(url: string): Promise<PhotoModel> {
  const translator = await Translator.load(url);
  const { theme } = translator;
  const info: ThemeInfo = {
    url,
    name: theme.name,
    title: theme.title,
    size: translator.size,
    strokeWidth: theme.input?.strokeWidth ?? null,
  };
  // One run on blank paper compiles the WebGL shaders / warms the wasm kernels,
  // so the player's first stroke is not the slow one.
  const blank = tf.ones([info.size, info.size, 3]);
  try {
    const y = translator.translate(blank);
    await y.data();
    y.dispose();
  } finally {
    blank.dispose();
  }
  return {
    info,
    photo: (edges, canvas) => translator.drawTo(canvas, edges),
    dispose: () => translator.dispose(),
  };
}
