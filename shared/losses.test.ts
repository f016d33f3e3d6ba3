import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { discriminatorLoss, ganLoss, generatorLoss, l1Loss } from './losses';

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('losses (hand-computed)', () => {
  it('vanilla GAN loss is BCE on logits', () => {
    // logits [0, 2]: real target → mean(log 2, log(1+e^-2)) = mean(0.693147, 0.126928)
    const logits = tf.tensor([0, 2]);
    expect(value(ganLoss(logits, true, 'vanilla'))).toBeCloseTo((Math.log(2) + Math.log1p(Math.exp(-2))) / 2, 5);
    // fake target → mean(log 2, 2 + log(1+e^-2))
    expect(value(ganLoss(logits, false, 'vanilla'))).toBeCloseTo((Math.log(2) + 2 + Math.log1p(Math.exp(-2))) / 2, 5);
    // stable for large logits (no Infinity/NaN)
    expect(value(ganLoss(tf.tensor([-500]), true, 'vanilla'))).toBeCloseTo(500, 3);
    logits.dispose();
  });

  it('LSGAN loss is mean squared distance to 1 or 0', () => {
    const logits = tf.tensor([0.5, 2]);
    expect(value(ganLoss(logits, true, 'lsgan'))).toBeCloseTo((0.25 + 1) / 2, 6);
    expect(value(ganLoss(logits, false, 'lsgan'))).toBeCloseTo((0.25 + 4) / 2, 6);
    logits.dispose();
  });

  it('L1 is the mean absolute error; G adds λ·L1; D is halved', () => {
    const a = tf.tensor([1, -1, 0.5, 0]);
    const b = tf.tensor([0, -1, 0, 0]);
    expect(value(l1Loss(a, b))).toBeCloseTo(0.375, 6);
    const logits = tf.tensor([0]);
    const g = generatorLoss(logits, a, b, 'vanilla', 100);
    expect(value(g.total)).toBeCloseTo(Math.log(2) + 37.5, 4);
    tf.dispose([g.gan, g.l1]);
    const d = discriminatorLoss(tf.tensor([0]), tf.tensor([0]), 'vanilla');
    expect(value(d.total)).toBeCloseTo(Math.log(2), 5); // (log2 + log2) / 2
    tf.dispose([a, b, logits, d.real, d.fake]);
  });
});
