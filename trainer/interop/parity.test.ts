import * as tf from '@tensorflow/tfjs';
import { gunzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { discriminatorFromStateDict, generatorConfigFor, generatorFromStateDict } from './pix2pixPth';
import { readPth } from './pth';

/**
 * Parity with the reference pix2pix, proven against PyTorch: the fixtures
 * (scripts/make_parity_fixtures.py, PyTorch 1.13) hold reference-architecture
 * networks with non-trivial batch-norm statistics, a fixed input and
 * PyTorch's eval-mode output. Imported into our networks, the same input must
 * give the same output.
 */
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
/** Measured on the cpu backend: 1.6e-6 (generator), 1.1e-6 (instance norm), 2.2e-6 (discriminator): float32 rounding only. */
const TOLERANCE = 1e-5;

const pth = (name: string) => readPth(readFileSync(path.join(FIXTURES, name)), name);
/** A gzipped little-endian float32 NCHW array, as NHWC. */
function nhwc(name: string, shape: [number, number, number, number]): tf.Tensor4D {
  const raw = gunzipSync(readFileSync(path.join(FIXTURES, name)));
  const data = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  return tf.tidy(() => tf.tensor4d(data, shape).transpose([0, 2, 3, 1]));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

describe('parity with PyTorch (reference pix2pix)', () => {
  it('generator: the imported U-Net reproduces PyTorch eval-mode output within 1e-5', () => {
    const sd = pth('generator.pth.gz');
    const config = generatorConfigFor(sd, {}, 'generator.pth.gz');
    expect(config).toMatchObject({ size: 64, ngf: 8, depth: 6, channelCap: 64, norm: 'batch' });
    const { model, report } = generatorFromStateDict(sd, config, 'generator.pth.gz');
    // The reference has no bias on the outermost down conv; ours does, and it is set to zero.
    expect(report.zeroBiases).toEqual(['down0_conv/bias']);
    const input = nhwc('generator_input.f32.gz', [1, 3, 64, 64]);
    const expected = nhwc('generator_output.f32.gz', [1, 3, 64, 64]);
    const out = model.predict(input) as tf.Tensor;
    const err = out.sub(expected).abs().max().dataSync()[0];
    const spread = expected.sub(expected.mean()).abs().mean().dataSync()[0];
    console.log(`generator parity: max |tfjs − PyTorch| = ${err.toExponential(2)} (output mean deviation ${spread.toFixed(3)})`);
    expect(spread).toBeGreaterThan(0.2); // a real image, not a constant
    expect(err).toBeLessThan(TOLERANCE);
    tf.dispose([input, expected, out]);
    model.dispose();
  });

  it('generator with instance norm (convs with biases, no norm parameters), 32×32, 5 levels', () => {
    const sd = pth('generator_instance.pth.gz');
    const config = generatorConfigFor(sd, { dropout: false }, 'generator_instance.pth.gz');
    expect(config).toMatchObject({ size: 32, ngf: 4, depth: 5, norm: 'instance' });
    const { model, report } = generatorFromStateDict(sd, config, 'generator_instance.pth.gz');
    expect(report.zeroBiases).toEqual([]);
    const input = nhwc('generator_instance_input.f32.gz', [1, 3, 32, 32]);
    const expected = nhwc('generator_instance_output.f32.gz', [1, 3, 32, 32]);
    const out = model.predict(input) as tf.Tensor;
    const err = out.sub(expected).abs().max().dataSync()[0];
    console.log(`instance-norm generator parity: max |tfjs − PyTorch| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
    tf.dispose([input, expected, out]);
    model.dispose();
  });

  it('discriminator: the imported PatchGAN reproduces PyTorch logits within 1e-5', () => {
    const sd = pth('discriminator.pth.gz');
    const config = defaultConfig({ size: 64, ngf: 8, ndf: 8 });
    const { model, report } = discriminatorFromStateDict(sd, config, 'discriminator.pth.gz');
    // Reference convs before batch norm have no bias; ours do, at zero.
    expect(report.zeroBiases).toEqual(['layer1_conv/bias', 'layer2_conv/bias', 'layer3_conv/bias']);
    const pair = nhwc('discriminator_input.f32.gz', [1, 6, 64, 64]);
    const [edges, photo] = tf.split(pair, 2, 3);
    const expected = nhwc('discriminator_output.f32.gz', [1, 1, 6, 6]);
    const out = model.predict([edges, photo]) as tf.Tensor;
    expect(out.shape).toEqual([1, 6, 6, 1]);
    const err = out.sub(expected).abs().max().dataSync()[0];
    console.log(`discriminator parity: max |tfjs − PyTorch| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
    tf.dispose([pair, edges, photo, expected, out]);
    model.dispose();
  });
});
