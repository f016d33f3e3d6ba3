import * as tf from '@tensorflow/tfjs';

/**
 * Instance normalization (Ulyanov et al.): normalise each image's channels over
 * their own H×W. tfjs-layers has no such layer. Defaults follow pix2pix, which
 * uses `nn.InstanceNorm2d(affine=False, track_running_stats=False)`: no learned
 * scale/offset and the same computation in training and inference.
 */
export interface InstanceNormArgs {
  epsilon?: number;
  /** Learn a per-channel scale (gamma) and offset (beta). Off in pix2pix. */
  affine?: boolean;
  name?: string;
  trainable?: boolean;
}

export class InstanceNormalization extends tf.layers.Layer {
  static className = 'InstanceNormalization';
  private readonly epsilon: number;
  private readonly affine: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: InstanceNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    this.affine = args.affine ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error('InstanceNormalization needs a known channel count');
    if (this.affine) {
      this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
      this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // [b, h, w, c] => per-(b, c) mean and variance over h, w.
      const { mean, variance } = tf.moments(x, [1, 2], true);
      let y = x.sub(mean).mul(tf.rsqrt(variance.add(this.epsilon)));
      if (this.affine && this.gamma && this.beta) y = y.mul(this.gamma.read()).add(this.beta.read());
      return y;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}

tf.serialization.registerClass(InstanceNormalization);
