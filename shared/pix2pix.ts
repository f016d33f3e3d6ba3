import * as tf from '@tensorflow/tfjs';
import { type GanMode, type ModelConfig, validateConfig } from './config';
import { buildDiscriminator } from './discriminator';
import { buildGenerator } from './generator';
import { DEFAULT_LAMBDA_L1, discriminatorLoss, generatorLoss } from './losses';

/**
 * The pix2pix training model: generator G, discriminator D, their Adam
 * optimizers and one training step. Names follow the reference
 * (`loss_names = G_GAN, G_L1, D_real, D_fake`), so logs, reports and
 * checkpoints can be driven by these lists.
 */
export const LOSS_NAMES = ['G_GAN', 'G_L1', 'D_real', 'D_fake'] as const;
export type LossName = (typeof LOSS_NAMES)[number];
export type Losses = Record<LossName, number>;

export interface TrainHyperparams {
  ganMode: GanMode;
  lambdaL1: number;
  lr: number;
  beta1: number;
  beta2: number;
}

export const DEFAULT_HYPERPARAMS: TrainHyperparams = {
  ganMode: 'vanilla',
  lambdaL1: DEFAULT_LAMBDA_L1,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
};

type AdamLike = tf.Optimizer & { learningRate: number };

export class Pix2PixModel {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly optimizerG: AdamLike;
  readonly optimizerD: AdamLike;

  constructor(
    readonly config: ModelConfig,
    readonly hyper: TrainHyperparams = DEFAULT_HYPERPARAMS,
    seed = 1,
  ) {
    validateConfig(config);
    this.generator = buildGenerator(config, { seed });
    this.discriminator = buildDiscriminator(config, { seed });
    this.optimizerG = tf.train.adam(hyper.lr, hyper.beta1, hyper.beta2) as unknown as AdamLike;
    this.optimizerD = tf.train.adam(hyper.lr, hyper.beta1, hyper.beta2) as unknown as AdamLike;
  }

  setLearningRate(lr: number): void {
    // tfjs's Adam reads this field on every update; there is no public setter.
    this.optimizerG.learningRate = lr;
    this.optimizerD.learningRate = lr;
  }

  get learningRate(): number {
    return this.optimizerG.learningRate;
  }

  /**
   * One pix2pix iteration on a batch: edges [b,s,s,3] and photos [b,s,s,3], both in [-1,1].
   *
   * Order: G is updated first (GAN loss against the current D plus λ·L1), and
   * the fake it produced is then reused for D's update on (real, fake) pairs.
   * The reference updates D first and runs G forward once for both; doing G
   * first lets the same forward pass serve both steps without recording G's
   * activations twice, at the cost of G seeing D half an iteration earlier —
   * the same alternation, shifted, which keeps GAN training behaviour.
   */
  async trainStep(edges: tf.Tensor4D, photos: tf.Tensor4D): Promise<Losses> {
    const { generator: G, discriminator: D, hyper } = this;
    const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
    const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);

    let fake: tf.Tensor | null = null;
    let lossTensors: tf.Scalar[] = [];
    try {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const out = G.apply(edges, { training: true }) as tf.Tensor;
          fake = tf.keep(out);
          const logits = D.apply([edges, out], { training: true }) as tf.Tensor;
          const loss = generatorLoss(logits, out, photos, hyper.ganMode, hyper.lambdaL1);
          lossTensors.push(tf.keep(loss.gan), tf.keep(loss.l1));
          return loss.total;
        }, gVars);
        this.optimizerG.applyGradients(grads);
      });
      tf.tidy(() => {
        // `fake` was recorded on G's (finished) tape, so D's gradients do not flow into G.
        const detached = fake!;
        const { grads } = tf.variableGrads(() => {
          const realLogits = D.apply([edges, photos], { training: true }) as tf.Tensor;
          const fakeLogits = D.apply([edges, detached], { training: true }) as tf.Tensor;
          const loss = discriminatorLoss(realLogits, fakeLogits, hyper.ganMode);
          lossTensors.push(tf.keep(loss.real), tf.keep(loss.fake));
          return loss.total;
        }, dVars);
        this.optimizerD.applyGradients(grads);
      });
      const values = await Promise.all(lossTensors.map((t) => t.data()));
      return {
        G_GAN: values[0][0],
        G_L1: values[1][0],
        D_real: values[2][0],
        D_fake: values[3][0],
      };
    } finally {
      (fake as tf.Tensor | null)?.dispose();
      tf.dispose(lossTensors);
      lossTensors = [];
    }
  }

  /** Inference-mode generator output (dropout off, batch norm on running statistics). */
  generate(edges: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.generator.predict(edges) as tf.Tensor4D);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.optimizerG.dispose();
    this.optimizerD.dispose();
  }
}
