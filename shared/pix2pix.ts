import * as tf from '@tensorflow/tfjs';
import { type GanMode, type ModelConfig, validateConfig } from './config';
import { buildDiscriminator } from './discriminator';
import { buildGenerator } from './generator';
import { DEFAULT_LAMBDA_L1, discriminatorLoss, featureMatchingLoss, generatorLoss } from './losses';

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
  /** Decay of the exponential moving average of G's weights (0 = no EMA). */
  emaDecay: number;
  /** Weight of pix2pixHD's discriminator feature-matching loss in G's objective (0 = off; pix2pixHD uses 10). */
  lambdaFeatureMatching: number;
  /**
   * Run G's norms on their stored statistics while training (and leave them as they are):
   * fine-tuning a GPU-trained generator at batch 1–4 would otherwise replace the statistics it
   * learned on 50,000 pairs with noisy per-batch ones. Scales and offsets still learn.
   * G then runs in inference mode, so dropout (pix2pix family) is off too.
   */
  freezeNorm: boolean;
}

export const DEFAULT_HYPERPARAMS: TrainHyperparams = {
  ganMode: 'vanilla',
  lambdaL1: DEFAULT_LAMBDA_L1,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  emaDecay: 0,
  lambdaFeatureMatching: 0,
  freezeNorm: false,
};

/**
 * The EMA decay at a step: ramped up early so the average is not dominated by
 * the random initial weights (the usual min(d, (1+t)/(10+t)) warm-up).
 */
export function emaDecayAt(decay: number, step: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

/** D with its intermediate activations as extra outputs: [layer0 … layerN activations, logits]. */
function withFeatures(D: tf.LayersModel): tf.LayersModel {
  const features = D.layers.filter((l) => /^layer\d+_lrelu$/.test(l.name)).map((l) => l.output as tf.SymbolicTensor);
  return tf.model({ inputs: D.inputs, outputs: [...features, D.outputs[0]], name: `${D.name}_features` });
}

type AdamLike = tf.Optimizer & { learningRate: number };

export class Pix2PixModel {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly optimizerG: AdamLike;
  readonly optimizerD: AdamLike;
  /** The moving average of G's weights (hyper.emaDecay > 0), what export ships; null without EMA. */
  readonly emaGenerator: tf.LayersModel | null;
  /** D returning its features too (shares D's layers and weights); only with feature matching. */
  private readonly discriminatorFeatures: tf.LayersModel | null;

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
    this.emaGenerator = null;
    if (hyper.emaDecay > 0) {
      this.emaGenerator = buildGenerator(config, { seed, name: 'generator_ema' });
      this.resetEma();
    }
    this.discriminatorFeatures = hyper.lambdaFeatureMatching > 0 ? withFeatures(this.discriminator) : null;
  }

  /** Sets the EMA weights to G's current ones (a fresh average, e.g. after loading G alone). */
  resetEma(): void {
    if (!this.emaGenerator) return;
    const source = this.generator.weights.map((w) => w.read());
    this.emaGenerator.weights.forEach((w, i) => w.write(source[i]));
  }

  /** ema ← d·ema + (1−d)·G over every weight, running statistics included. */
  private updateEma(step: number): void {
    if (!this.emaGenerator) return;
    const d = emaDecayAt(this.hyper.emaDecay, step);
    const ema = this.emaGenerator.weights;
    tf.tidy(() => {
      this.generator.weights.forEach((w, i) => {
        const avg = ema[i].read();
        (avg as tf.Variable).assign(avg.mul(d).add(w.read().mul(1 - d)));
      });
    });
  }

  /** The generator to ship and to show samples from: the EMA when there is one. */
  get exportGenerator(): tf.LayersModel {
    return this.emaGenerator ?? this.generator;
  }

  /** The edge image D is conditioned on: the generator input without its colour-hint channels. */
  private conditionOf(input: tf.Tensor4D): tf.Tensor4D {
    if (!this.config.colourHints) return input;
    return input.slice([0, 0, 0, 0], [-1, -1, -1, this.config.inChannels]);
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
   * One pix2pix iteration on a batch: the generator input [b,s,s,3 (+4 hint channels)] and
   * photos [b,s,s,3], both in [-1,1]. `step` drives the EMA warm-up.
   *
   * Order: G is updated first (GAN loss against the current D plus λ·L1), and
   * the fake it produced is then reused for D's update on (real, fake) pairs.
   * The reference updates D first and runs G forward once for both; doing G
   * first lets the same forward pass serve both steps without recording G's
   * activations twice, at the cost of G seeing D half an iteration earlier —
   * the same alternation, shifted, which keeps GAN training behaviour.
   */
  async trainStep(input: tf.Tensor4D, photos: tf.Tensor4D, step = 0): Promise<Losses> {
    const { generator: G, discriminator: D, hyper } = this;
    const DF = this.discriminatorFeatures;
    const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
    const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);

    let fake: tf.Tensor | null = null;
    let lossTensors: tf.Scalar[] = [];
    const edges = this.conditionOf(input);
    try {
      tf.tidy(() => {
        // Feature-matching targets: D's activations on the real pair, outside G's tape.
        const realFeatures = DF ? (DF.apply([edges, photos], { training: true }) as tf.Tensor[]).slice(0, -1) : [];
        const { grads } = tf.variableGrads(() => {
          const out = G.apply(input, { training: !hyper.freezeNorm }) as tf.Tensor;
          fake = tf.keep(out);
          const dOut = (DF ?? D).apply([edges, out], { training: true }) as tf.Tensor | tf.Tensor[];
          const logits = Array.isArray(dOut) ? dOut[dOut.length - 1] : dOut;
          const loss = generatorLoss(logits, out, photos, hyper.ganMode, hyper.lambdaL1);
          lossTensors.push(tf.keep(loss.gan), tf.keep(loss.l1));
          if (!Array.isArray(dOut)) return loss.total;
          return loss.total.add(featureMatchingLoss(realFeatures, dOut.slice(0, -1)).mul(hyper.lambdaFeatureMatching)) as tf.Scalar;
        }, gVars);
        this.optimizerG.applyGradients(grads);
      });
      this.updateEma(step);
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
      if (edges !== input) edges.dispose();
      tf.dispose(lossTensors);
      lossTensors = [];
    }
  }

  /** Inference-mode output of the generator that export ships (dropout off, batch norm on running statistics). */
  generate(input: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.exportGenerator.predict(input) as tf.Tensor4D);
  }

  dispose(): void {
    this.emaGenerator?.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
    this.optimizerG.dispose();
    this.optimizerD.dispose();
  }
}
