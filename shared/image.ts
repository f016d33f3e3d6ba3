import * as tf from '@tensorflow/tfjs';

/**
 * Conversions between 8-bit RGB pixels ([0, 255]) and the model's value range
 * ([-1, 1], matching the generator's tanh output).
 */

import { byteToModel, modelToByte } from './byteRange';

/** One 8-bit value => the model's range; one model value => an 8-bit value (shared/byteRange, tfjs-free). */
export { byteToModel, modelToByte };
/** One model value => [0, 1] (not clipped). */
export const modelToUnit = (v: number): number => (v + 1) / 2;

/** 8-bit values => model values. */
export function bytesToModel(bytes: ArrayLike<number>): Float32Array {
  return Float32Array.from(bytes, byteToModel);
}

/** Model values => 8-bit values, rounded and clipped. */
export function modelToBytes(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(values, modelToByte);
}

/** [0,255] (any shape) => [-1,1] float32. */
export function toModelRange(pixels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => pixels.toFloat().div(127.5).sub(1));
}

/** [-1,1] => [0,255] float32, clipped. */
export function fromModelRange(values: tf.Tensor): tf.Tensor {
  return tf.tidy(() => values.add(1).mul(127.5).clipByValue(0, 255));
}

/** [0,1] => [-1,1]. */
export function fromUnitRange(values: tf.Tensor): tf.Tensor {
  return tf.tidy(() => values.mul(2).sub(1));
}

/** [-1,1] => [0,1] float32, clipped: what tf.browser.draw / toPixels expect for floats. */
export function toUnitRange(values: tf.Tensor): tf.Tensor {
  return tf.tidy(() => values.add(1).div(2).clipByValue(0, 1));
}

/**
 * Interleaved 8-bit pixels (RGB or RGBA) => [h, w, 3] tensor in [-1, 1].
 * Alpha, when present, is composited over white, because edge images and
 * doodles are black lines on a white (or transparent) background.
 */
export function pixelsToModelTensor(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
): tf.Tensor3D {
  if (pixels.length !== width * height * channels) {
    throw new Error(
      `pixel buffer holds ${pixels.length} values, expected ${width}×${height}×${channels} = ${width * height * channels}`,
    );
  }
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    if (channels === 1) {
      const v = byteToModel(pixels[i]);
      rgb[i * 3] = v;
      rgb[i * 3 + 1] = v;
      rgb[i * 3 + 2] = v;
      continue;
    }
    const alpha = channels === 4 ? pixels[i * 4 + 3] / 255 : 1;
    for (let c = 0; c < 3; c++) {
      const value = pixels[i * channels + c] * alpha + 255 * (1 - alpha);
      rgb[i * 3 + c] = byteToModel(value);
    }
  }
  return tf.tensor3d(rgb, [height, width, 3]);
}

/** [h, w, 3] tensor in [-1, 1] => interleaved RGB bytes. */
export async function modelTensorToPixels(values: tf.Tensor3D): Promise<Uint8Array> {
  const bytes = tf.tidy(() => fromModelRange(values).round().toInt());
  try {
    return Uint8Array.from(await bytes.data());
  } finally {
    bytes.dispose();
  }
}
