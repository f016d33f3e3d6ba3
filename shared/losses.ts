import * as tf from '@tensorflow/tfjs';
import type { GanMode } from './config';

/** pix2pix weighs the L1 reconstruction term by λ = 100. */
export const DEFAULT_LAMBDA_L1 = 100;

/**
 * The GAN loss on discriminator logits against an all-real or all-fake target.
 * vanilla: binary cross-entropy on logits (numerically stable form
 * max(x,0) − x·z + log(1 + e^−|x|)); lsgan: mean squared error to 1 or 0.
 */
export function ganLoss(logits: tf.Tensor, targetIsReal: boolean, mode: GanMode): tf.Scalar {
  return tf.tidy(() => {
    const target = targetIsReal ? 1 : 0;
    if (mode === 'lsgan') return logits.sub(target).square().mean() as tf.Scalar;
    const bce = tf
      .relu(logits)
      .sub(logits.mul(target))
      .add(tf.log1p(tf.exp(logits.abs().neg())));
    return bce.mean() as tf.Scalar;
  });
}

/** Mean absolute error. */
export function l1Loss(output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => output.sub(target).abs().mean() as tf.Scalar);
}

/** D's objective, halved as in pix2pix to slow D relative to G. */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor, mode: GanMode) {
  return tf.tidy(() => {
    const real = ganLoss(realLogits, true, mode);
    const fake = ganLoss(fakeLogits, false, mode);
    return { real, fake, total: real.add(fake).mul(0.5) as tf.Scalar };
  });
}

/** G's objective: fool D, and stay close to the target photo (λ·L1). */
export function generatorLoss(fakeLogits: tf.Tensor, fake: tf.Tensor, target: tf.Tensor, mode: GanMode, lambdaL1: number) {
  return tf.tidy(() => {
    const gan = ganLoss(fakeLogits, true, mode);
    const l1 = l1Loss(fake, target);
    return { gan, l1, total: gan.add(l1.mul(lambdaL1)) as tf.Scalar };
  });
}

/**
 * pix2pixHD's discriminator feature-matching loss: mean |D_k(real) − D_k(fake)|
 * over D's intermediate activations, averaged over the layers (the real
 * features are targets: no gradient flows into them).
 */
export function featureMatchingLoss(realFeatures: tf.Tensor[], fakeFeatures: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (realFeatures.length !== fakeFeatures.length || realFeatures.length === 0) {
      throw new Error(`feature matching needs equal, non-empty feature lists (got ${realFeatures.length} and ${fakeFeatures.length})`);
    }
    const terms = realFeatures.map((r, k) => l1Loss(fakeFeatures[k], r));
    return tf.addN(terms).div(terms.length) as tf.Scalar;
  });
}
