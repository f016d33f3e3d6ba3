/**
 * Turning whatever a caller hands to loadDoodle (an <img>, a canvas, an
 * ImageBitmap, ImageData, a Blob or a URL) into a square background canvas at
 * model resolution: white paper, image fitted inside, centred.
 */
import { containRect } from './geometry';
import { context2d, createCanvas, PAPER, type AnyCanvas } from './rasterizer';

export type DoodleSource = CanvasImageSource | ImageData | Blob | string;

async function toDrawable(source: DoodleSource): Promise<{ image: CanvasImageSource; width: number; height: number; close?: () => void }> {
  if (typeof source === 'string') {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`could not fetch the doodle ${source}: HTTP ${response.status}`);
    return toDrawable(await response.blob());
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const bitmap = await createImageBitmap(source);
    return { image: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
  }
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    const canvas = createCanvas(source.width, source.height);
    context2d(canvas).putImageData(source, 0, 0);
    return { image: canvas, width: source.width, height: source.height };
  }
  const img = source as CanvasImageSource & { naturalWidth?: number; videoWidth?: number; width?: unknown; height?: unknown };
  if (typeof HTMLImageElement !== 'undefined' && img instanceof HTMLImageElement && !img.complete) await img.decode();
  const width = img.naturalWidth || img.videoWidth || Number(img.width) || 0;
  const height = (img as { naturalHeight?: number }).naturalHeight || (img as { videoHeight?: number }).videoHeight || Number(img.height) || 0;
  return { image: img, width, height };
}

export async function doodleToBackground(source: DoodleSource, side: number): Promise<AnyCanvas> {
  const { image, width, height, close } = await toDrawable(source);
  if (!(width > 0 && height > 0)) throw new Error('the doodle image is empty (0×0)');
  const canvas = createCanvas(side, side);
  const ctx = context2d(canvas);
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, side, side);
  const { dx, dy, dw, dh } = containRect(width, height, side);
  ctx.drawImage(image, dx, dy, dw, dh);
  close?.();
  return canvas;
}
