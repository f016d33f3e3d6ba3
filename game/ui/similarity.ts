/**
 * The Challenge's similarity meter: SSIM (shared/metrics, one definition for
 * the whole project) between the generated photo and the target photo, both
 * downscaled to SIMILARITY_SIDE so the score ignores pixel-level texture and
 * rewards getting shapes, tones and placement right; it is also cheap enough
 * to compute after every photo on the main thread.
 */
import { ssim, type FloatImage } from '../../shared/metrics';

export const SIMILARITY_SIDE = 64;

/** RGBA bytes → RGB floats in [0, 1]. */
export function imageDataToFloat(data: Uint8ClampedArray, width: number, height: number): FloatImage {
  const out = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    out[i * 3] = data[j] / 255;
    out[i * 3 + 1] = data[j + 1] / 255;
    out[i * 3 + 2] = data[j + 2] / 255;
  }
  return { data: out, width, height, channels: 3 };
}

let scratch: HTMLCanvasElement | null = null;

/** Draws any image source into a SIMILARITY_SIDE² canvas (white under transparency) and returns its pixels. */
export function downscale(source: CanvasImageSource): FloatImage {
  scratch ??= document.createElement('canvas');
  scratch.width = scratch.height = SIMILARITY_SIDE;
  const ctx = scratch.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, SIMILARITY_SIDE, SIMILARITY_SIDE);
  ctx.drawImage(source, 0, 0, SIMILARITY_SIDE, SIMILARITY_SIDE);
  const { data } = ctx.getImageData(0, 0, SIMILARITY_SIDE, SIMILARITY_SIDE);
  return imageDataToFloat(data, SIMILARITY_SIDE, SIMILARITY_SIDE);
}

/** SSIM of two downscaled images, clamped to [0, 1] (negative SSIM means "nothing alike"). */
export function similarity(photo: FloatImage, target: FloatImage): number {
  const s = ssim(photo, target);
  return Number.isFinite(s) ? Math.max(0, Math.min(1, s)) : 0;
}
