/**
 * 8-bit pixel values ([0, 255]) ↔ the model's value range ([-1, 1], the
 * generator's tanh output). No TensorFlow.js here, so code that only needs
 * these (colour hints in the game's main bundle) does not pull tfjs in.
 */

/** One 8-bit value => the model's range. */
export const byteToModel = (v: number): number => v / 127.5 - 1;
/** One model value => an 8-bit value, rounded and clipped. */
export const modelToByte = (v: number): number => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
