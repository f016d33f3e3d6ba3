/**
 * One loaded theme as the engine sees it: edge image in, photo drawn on a
 * canvas out. Loading and validation are shared/theme's; value ranges are
 * shared/image's — this file only adapts them to canvases.
 */
import * as tf from '@tensorflow/tfjs';
import { toModelRange, toUnitRange } from '../../../shared/image';
import { loadTheme } from '../../../shared/theme';
import type { ThemeInfo } from '../types';

export interface PhotoModel {
  readonly info: ThemeInfo;
  /** Translates the edge image and draws the photo onto `canvas` (resized to the model size). */
  photo(edges: ImageData, canvas: OffscreenCanvas | HTMLCanvasElement): Promise<void>;
  dispose(): void;
}

export async function loadPhotoModel(url: string): Promise<PhotoModel> {
  const loaded = await loadTheme(url);
  const { model, theme } = loaded;
  const size = theme.config.size;
  const info: ThemeInfo = {
    url,
    name: theme.name,
    title: theme.title,
    size,
    strokeWidth: theme.input?.strokeWidth ?? null,
  };

  const predict = (edges: tf.Tensor3D): tf.Tensor3D =>
    tf.tidy(() => {
      let x: tf.Tensor3D = edges;
      if (x.shape[0] !== size || x.shape[1] !== size) x = tf.image.resizeBilinear(x, [size, size]);
      const y = model.predict(toModelRange(x).expandDims(0)) as tf.Tensor4D;
      return toUnitRange(y.squeeze([0])) as tf.Tensor3D;
    });

  // First run compiles the WebGL shaders / warms the wasm kernels, so the first stroke is not slow.
  tf.tidy(() => {
    predict(tf.fill([size, size, 3], 255, 'int32') as tf.Tensor3D);
  });

  return {
    info,
    async photo(edges, canvas) {
      const photo = tf.tidy(() => predict(tf.browser.fromPixels(edges, 3)));
      let bytes: Uint8ClampedArray;
      try {
        bytes = await tf.browser.toPixels(photo);
      } finally {
        photo.dispose();
      }
      const [h, w] = photo.shape;
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (!ctx) throw new Error('2D canvas context is not available for the photo');
      ctx.putImageData(new ImageData(new Uint8ClampedArray(bytes), w, h), 0, 0);
    },
    dispose() {
      model.dispose();
    },
  };
}
