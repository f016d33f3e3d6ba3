/**
 * A leaner gradient for FusedBatchNorm (all backends). tfjs-core's version
 * tiles 1/σ to the activation's full shape and makes about ten full-size
 * passes; the same five gradients need only three full-size products and two
 * reductions, because
 *   dβ = Σ dy,  dγ = (1/σ)·Σ (x−μ)·dy,  dμ = −(γ/σ)·Σ dy,
 *   dσ² = −½·γ/σ³·Σ (x−μ)·dy,  dx = (γ/σ)·dy     (Σ over all but the channel axis)
 */
import * as tf from '@tensorflow/tfjs';

let installed = false;
/** tfjs-core's own gradient, kept for tests and as a reference. */
export let coreBatchNormGrad: tf.GradConfig | undefined;

export const batchNormGradConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => (axes.length ? tf.sum(t, axes) : t).reshape(mean.shape);
    const rstd = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const gamma = scale ?? tf.scalar(1);
    const gammaRstd = tf.mul(gamma, rstd);
    // Shared by several inputs' gradients, so computed here (each input's closure runs in its own tidy).
    const sumDy = tf.tidy(() => reduce(g));
    const sumXmDy = tf.tidy(() => reduce(tf.mul(tf.sub(x, mean), g)));
    const getSumDy = () => sumDy;
    const getSumXmDy = () => sumXmDy;
    return {
      x: () => tf.mul(g, gammaRstd).reshape(x.shape),
      mean: () => tf.mul(tf.neg(gammaRstd), getSumDy()).reshape(mean.shape),
      variance: () => tf.mul(tf.mul(gammaRstd, tf.square(rstd)), tf.mul(getSumXmDy(), -0.5)).reshape(mean.shape),
      scale: () => tf.mul(rstd, getSumXmDy()).reshape(mean.shape),
      offset: () => getSumDy().reshape(mean.shape),
    };
  },
};

export function installBatchNormGradient(): void {
  if (installed) return;
  installed = true;
  coreBatchNormGrad = tf.getGradient('FusedBatchNorm');
  tf.registerGradient(batchNormGradConfig);
}
