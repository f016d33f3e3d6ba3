/**
 * Import a pix2pix U-Net generator saved in the TensorFlow.js layers format
 * (model.json + weight shards, e.g. a Keras model converted with
 * tensorflowjs_converter, or a port of affinelayer/pix2pix-tensorflow) as a
 * checkpoint of this project's generator.
 *
 * The family it maps: an input, `depth` encoder blocks (Conv2D 4×4 stride 2
 * "same", then batch norm on all but the first, LeakyReLU 0.2 between
 * blocks, in either order around the conv), ReLU, then `depth` decoder blocks
 * (Conv2DTranspose 4×4 stride 2 "same", batch norm, optional dropout, concat
 * with the mirrored encoder output in either order), the last without norm,
 * then tanh. Anything else is refused with the layer that does not fit.
 *
 * The Keras-GAN family (eriklindernoren/Keras-GAN pix2pix, the community
 * edges→shoes generator) is mapped too: Conv2D 4×4 stride 2 → LeakyReLU →
 * BN (none on the first) down; UpSampling2D ×2 → Conv2D 4×4 stride 1 with
 * ReLU → BN → concat [decoder, skip] up; UpSampling2D → Conv2D → tanh last.
 * Its stored moving statistics are what it was meant to run with, so
 * `--norm batch` is its default.
 *
 * Batch norm: `--norm instance` (default for the pix2pix family) normalises with each image's own
 * statistics and keeps the learned scale and offset (batch statistics at
 * batch 1, as such generators are run at inference); `--norm batch` keeps
 * the stored moving statistics. A conv bias right before a norm is exactly
 * cancelled by instance norm and folded into the moving mean for batch norm.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ModelConfig, validateConfig } from '../../shared/config';
import { buildGenerator, encoderChannels } from '../../shared/generator';
import { CHECKPOINT_DIR } from '../checkpoint';
import { exists } from '../io/atomic';
import { writeImportedCheckpoint } from './pix2pixPth';
import { BadInputError } from '../../shared/errors';

/** model.json larger than this is not a generator topology. */
const MAX_MODEL_JSON_BYTES = 4 * 1024 * 1024;
/** Weights larger than this are refused before reading (a 256 px ngf-64 pix2pix is 218 MB). */
const MAX_WEIGHT_BYTES = 300 * 1024 * 1024;

export class LayersImportError extends BadInputError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'LayersImportError';
  }
}

interface LayerNode {
  className: string;
  name: string;
  config: Record<string, unknown>;
  inputs: string[];
}

export type ImportedNorm = 'instance' | 'batch';
/** The source's block family: pix2pix (transposed convs) or Keras-GAN (upsample then conv). */
export type LayersFamily = 'pix2pix' | 'keras-gan';

/** One encoder or decoder block, as found in the source graph. */
interface Block {
  conv: LayerNode;
  norm: LayerNode | null;
  /** Decoder blocks: the concatenation after the block and whether the decoder output comes first in it. */
  decoderFirst?: boolean;
}

export interface ParsedGenerator {
  family: LayersFamily;
  config: ModelConfig;
  encoder: Block[];
  /** Outermost (up0) last, as the source runs them: decoder[0] is the innermost up block. */
  decoder: Block[];
  /** BN after a conv that has a bias: folded (batch) or cancelled (instance). */
  biasBeforeNorm: number;
}

const fail = (file: string, msg: string) => new LayersImportError(`${file}: ${msg}`);

function nodesOf(modelJson: unknown, file: string): { nodes: Map<string, LayerNode>; input: string; output: string } {
  const j = modelJson as Record<string, any>;
  const topology = j?.modelTopology?.model_config ?? j?.modelTopology;
  const cfg = topology?.config;
  if (!cfg || !Array.isArray(cfg.layers)) throw fail(file, 'no "modelTopology" with a layer list: not a TensorFlow.js layers model');
  if (!['Model', 'Functional'].includes(topology.class_name)) {
    throw fail(file, `the model is a ${JSON.stringify(topology.class_name)}; a pix2pix U-Net is a functional "Model"`);
  }
  const nodes = new Map<string, LayerNode>();
  for (const l of cfg.layers) {
    const inbound = Array.isArray(l.inbound_nodes) && l.inbound_nodes.length ? l.inbound_nodes : [[]];
    if (inbound.length > 1) throw fail(file, `layer "${l.name}" is used ${inbound.length} times; a U-Net uses each layer once`);
    nodes.set(l.name, { className: l.class_name, name: l.name, config: l.config ?? {}, inputs: inbound[0].map((i: unknown[]) => String(i[0])) });
  }
  if (cfg.input_layers?.length !== 1 || cfg.output_layers?.length !== 1) throw fail(file, 'a pix2pix generator has one input and one output');
  return { nodes, input: String(cfg.input_layers[0][0]), output: String(cfg.output_layers[0][0]) };
}

const isActivation = (n: LayerNode, kind: 'relu' | 'leaky' | 'tanh'): boolean => {
  if (kind === 'leaky') return n.className === 'LeakyReLU' && Math.abs(Number(n.config.alpha) - 0.2) < 1e-6;
  if (kind === 'relu') return n.className === 'ReLU' || (n.className === 'Activation' && n.config.activation === 'relu');
  return n.className === 'Activation' && n.config.activation === 'tanh';
};

/** The graph as the main path from input to output (skip branches left out), checked against the U-Net family. */
export function parseGenerator(modelJson: unknown, file: string, normOption?: ImportedNorm): ParsedGenerator {
  const { nodes, input, output } = nodesOf(modelJson, file);
  const consumers = new Map<string, LayerNode[]>();
  for (const n of nodes.values()) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const inputNode = nodes.get(input);
  const shape = (inputNode?.config.batch_input_shape ?? inputNode?.config.batchInputShape) as (number | null)[] | undefined;
  if (!shape || shape.length !== 4 || shape[1] !== shape[2] || !shape[1] || !shape[3]) {
    throw fail(file, `the input shape ${JSON.stringify(shape)} is not [null, S, S, C]`);
  }
  // The main path: at a skip source, the consumer that is not a Concatenate.
  const path: LayerNode[] = [];
  let at = input;
  for (let guard = 0; at !== output; guard++) {
    const next = consumers.get(at) ?? [];
    const onward = next.length === 1 ? next : next.filter((n) => n.className !== 'Concatenate');
    if (onward.length !== 1 || guard > 1000) throw fail(file, `cannot follow the network after layer "${at}" (${next.length} consumers)`);
    path.push(onward[0]);
    at = onward[0].name;
  }
  if (path.some((n) => n.className === 'UpSampling2D')) return parseKerasGan(path, shape as number[], file, normOption ?? 'batch');
  const norm = normOption ?? 'instance';
  const unexpected = (n: LayerNode, want: string) => fail(file, `layer "${n.name}" (${n.className}) does not fit a pix2pix U-Net: expected ${want}`);
  const checkConv = (n: LayerNode, transposed: boolean) => {
    const cls = transposed ? 'Conv2DTranspose' : 'Conv2D';
    const k = n.config.kernel_size as number[], s = n.config.strides as number[];
    if (n.className !== cls || JSON.stringify(k) !== '[4,4]' || JSON.stringify(s) !== '[2,2]' || n.config.padding !== 'same') {
      throw unexpected(n, `${cls} 4×4, stride 2, padding "same"`);
    }
    if (n.config.activation && n.config.activation !== 'linear') throw unexpected(n, 'a linear conv (activation as its own layer)');
    if (n.config.dilation_rate && JSON.stringify(n.config.dilation_rate) !== '[1,1]') throw unexpected(n, 'no dilation');
  };
  const encoder: Block[] = [];
  const decoder: Block[] = [];
  let i = 0;
  const take = () => path[i++];
  const peek = () => path[i];
  // Encoder: [LeakyReLU] Conv2D [BN] [LeakyReLU], until the ReLU that starts the decoder.
  while (peek() && !isActivation(peek(), 'relu')) {
    if (isActivation(peek(), 'leaky')) take();
    const conv = take();
    if (!conv) break;
    checkConv(conv, false);
    const normLayer = peek()?.className === 'BatchNormalization' ? take() : null;
    encoder.push({ conv, norm: normLayer });
  }
  // Decoder: ReLU Conv2DTranspose [BN] [Dropout] Concatenate ..., last: ReLU Conv2DTranspose tanh.
  while (i < path.length) {
    const relu = take();
    if (!isActivation(relu, 'relu')) throw unexpected(relu, 'ReLU before a decoder block');
    const conv = take();
    if (!conv) throw fail(file, 'the network ends after a ReLU');
    checkConv(conv, true);
    const normLayer = peek()?.className === 'BatchNormalization' ? take() : null;
    let hasDropout = false;
    if (peek()?.className === 'Dropout') {
      take();
      hasDropout = true;
    }
    const after = peek();
    if (after && after.className === 'Concatenate') {
      take();
      const last = path[i - 2];
      const decoderOutput = hasDropout ? last.name : (normLayer ?? conv).name;
      if (after.inputs.length !== 2 || !after.inputs.includes(decoderOutput)) throw unexpected(after, 'a concatenation of the decoder output and one skip');
      decoder.push({ conv, norm: normLayer, decoderFirst: after.inputs[0] === decoderOutput });
      (decoder[decoder.length - 1] as Block & { skip?: string }).skip = after.inputs.find((n) => n !== decoderOutput);
      (decoder[decoder.length - 1] as Block & { dropout?: boolean }).dropout = hasDropout;
    } else {
      decoder.push({ conv, norm: normLayer });
      const tanh = take();
      if (!tanh || !isActivation(tanh, 'tanh') || i !== path.length) throw unexpected(tanh ?? conv, 'tanh as the last layer after the outermost decoder conv');
    }
  }
  const depth = encoder.length;
  if (depth < 2 || decoder.length !== depth) throw fail(file, `found ${depth} encoder and ${decoder.length} decoder blocks; a U-Net has as many of each (at least 2)`);
  // Every skip must be the mirrored encoder output (the block's norm, else its conv).
  decoder.slice(0, -1).forEach((block, k) => {
    const level = depth - 2 - k;
    const enc = encoder[level];
    const skip = (block as Block & { skip?: string }).skip;
    if (skip !== (enc.norm ?? enc.conv).name) {
      throw fail(file, `decoder block ${k + 1} concatenates "${skip}", not the output of encoder level ${level} ("${(enc.norm ?? enc.conv).name}")`);
    }
  });
  if (encoder[0].norm) throw unexpected(encoder[0].norm, 'no norm on the outermost encoder block (pix2pix)');
  const innerNorms = [...encoder.slice(1, -1), ...decoder.slice(0, -1)];
  const missing = innerNorms.find((b) => !b.norm);
  if (missing) throw unexpected(missing.conv, 'a BatchNormalization after every inner conv');
  if (decoder[depth - 1].norm) throw unexpected(decoder[depth - 1].norm!, 'no norm on the outermost decoder block');
  const epsilons = new Set(innerNorms.map((b) => Number(b.norm!.config.epsilon ?? 1e-3)));
  if (epsilons.size !== 1) throw fail(file, `the batch-norm layers use different epsilons (${[...epsilons].join(', ')})`);
  const filters = encoder.map((b) => Number(b.conv.config.filters));
  const size = shape[1];
  const base = {
    size, inChannels: shape[3], outChannels: Number(decoder[depth - 1].conv.config.filters), ngf: filters[0], ndf: 64, depth,
    channelCap: Math.max(...filters), norm, normAffine: norm === 'instance' ? true : undefined, innermostNorm: encoder[depth - 1].norm !== null,
    normEpsilon: [...epsilons][0], dropout: decoder.some((b) => (b as Block & { dropout?: boolean }).dropout), nLayersD: 3,
    upsample: 'transpose' as const, colourHints: false,
  };
  const config = checkedConfig(base, file);
  checkChannels(config, encoder, decoder, file);
  const biasBeforeNorm = [...encoder, ...decoder].filter((b) => b.norm && b.conv.config.use_bias !== false).length;
  return { family: 'pix2pix', config, encoder, decoder, biasBeforeNorm };
}

/** Checks a main path against the Keras-GAN U-Net (see the file comment) and reads its config. */
function parseKerasGan(path: LayerNode[], shape: number[], file: string, norm: ImportedNorm): ParsedGenerator {
  const unexpected = (n: LayerNode | undefined, want: string) =>
    fail(file, n ? `layer "${n.name}" (${n.className}) does not fit a Keras-GAN U-Net: expected ${want}` : `the network ends early: expected ${want}`);
  let i = 0;
  const take = () => path[i++];
  const peek = () => path[i];
  const conv = (stride: number, activations: string[]): LayerNode => {
    const n = take();
    const k = n?.config.kernel_size as number[], s = n?.config.strides as number[];
    if (n?.className !== 'Conv2D' || JSON.stringify(k) !== '[4,4]' || JSON.stringify(s) !== `[${stride},${stride}]` || n.config.padding !== 'same') {
      throw unexpected(n, `Conv2D 4×4, stride ${stride}, padding "same"`);
    }
    if (n.config.dilation_rate && JSON.stringify(n.config.dilation_rate) !== '[1,1]') throw unexpected(n, 'no dilation');
    if (!activations.includes(String(n.config.activation ?? 'linear'))) throw unexpected(n, `a conv with activation ${activations.join(' or ')}`);
    if (n.config.use_bias === false) throw unexpected(n, 'a conv with a bias (Keras-GAN convs have one)');
    return n;
  };
  const upsample = () => {
    const n = take();
    if (n?.className !== 'UpSampling2D' || JSON.stringify(n.config.size) !== '[2,2]' || (n.config.interpolation ?? 'nearest') !== 'nearest') {
      throw unexpected(n, 'UpSampling2D ×2, nearest');
    }
  };
  const encoder: Block[] = [];
  while (peek() && peek().className !== 'UpSampling2D') {
    const c = conv(2, ['linear']);
    const act = take();
    if (!act || !isActivation(act, 'leaky')) throw unexpected(act, 'LeakyReLU 0.2 after the encoder conv');
    const normLayer = peek()?.className === 'BatchNormalization' ? take() : null;
    encoder.push({ conv: c, norm: normLayer, output: (normLayer ?? act).name } as Block);
  }
  const depth = encoder.length;
  const decoder: Block[] = [];
  for (let level = depth - 1; level >= 1; level--) {
    upsample();
    const c = conv(1, ['relu', 'linear']);
    if (c.config.activation !== 'relu') {
      const relu = take();
      if (!relu || !isActivation(relu, 'relu')) throw unexpected(relu, 'ReLU after the decoder conv');
    }
    const normLayer = take();
    if (normLayer?.className !== 'BatchNormalization') throw unexpected(normLayer, 'BatchNormalization after every inner decoder conv');
    const cat = take();
    const skip = (encoder[level - 1] as Block & { output: string }).output;
    if (cat?.className !== 'Concatenate' || cat.inputs.length !== 2 || !cat.inputs.includes(normLayer.name) || !cat.inputs.includes(skip)) {
      throw unexpected(cat, `a concatenation of "${normLayer.name}" and the encoder level ${level - 1} output "${skip}"`);
    }
    decoder.push({ conv: c, norm: normLayer, decoderFirst: cat.inputs[0] === normLayer.name });
  }
  upsample();
  const last = conv(1, ['tanh', 'linear']);
  if (last.config.activation !== 'tanh') {
    const tanh = take();
    if (!tanh || !isActivation(tanh, 'tanh')) throw unexpected(tanh, 'tanh as the last layer');
  }
  if (i !== path.length) throw unexpected(path[i], 'nothing after the tanh');
  decoder.push({ conv: last, norm: null });
  if (depth < 2) throw fail(file, `found ${depth} encoder blocks; a U-Net has at least 2`);
  if (encoder[0].norm) throw unexpected(encoder[0].norm, 'no norm on the outermost encoder block');
  const missing = encoder.slice(1).find((b) => !b.norm);
  if (missing) throw unexpected(missing.conv, 'a BatchNormalization after every inner encoder LeakyReLU');
  const norms = [...encoder.slice(1), ...decoder.slice(0, -1)].map((b) => b.norm!);
  const epsilons = new Set(norms.map((n) => Number(n.config.epsilon ?? 1e-3)));
  if (epsilons.size !== 1) throw fail(file, `the batch-norm layers use different epsilons (${[...epsilons].join(', ')})`);
  const filters = encoder.map((b) => Number(b.conv.config.filters));
  const base = {
    size: shape[1], inChannels: shape[3], outChannels: Number(last.config.filters), ngf: filters[0], ndf: 64, depth,
    channelCap: Math.max(...filters), norm, normAffine: norm === 'instance' ? true : undefined, innermostNorm: true,
    normEpsilon: [...epsilons][0], dropout: false, nLayersD: 3, upsample: 'resize' as const, layout: 'keras-gan' as const, colourHints: false,
  };
  const config = checkedConfig(base, file);
  checkChannels(config, encoder, decoder, file);
  return { family: 'keras-gan', config, encoder, decoder, biasBeforeNorm: 0 };
}

function checkedConfig(base: Record<string, unknown>, file: string): ModelConfig {
  try {
    return validateConfig(Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Partial<ModelConfig>);
  } catch (e) {
    throw fail(file, (e as Error).message);
  }
}

/** Every conv's filter count must be the project's U-Net's for this ngf and cap. */
function checkChannels(config: ModelConfig, encoder: Block[], decoder: Block[], file: string): void {
  encoder.forEach((b, level) => {
    const f = Number(b.conv.config.filters);
    if (f !== encoderChannels(config, level)) throw fail(file, `encoder level ${level} has ${f} filters; this project's U-Net with ngf ${config.ngf} and cap ${config.channelCap} has ${encoderChannels(config, level)} there`);
  });
  decoder.forEach((b, k) => {
    const level = config.depth - 1 - k;
    const want = level === 0 ? config.outChannels : encoderChannels(config, level - 1);
    if (Number(b.conv.config.filters) !== want) throw fail(file, `decoder block "${b.conv.name}" has ${b.conv.config.filters} filters; expected ${want}`);
  });
}

/** Reads the weight shards of a layers model, checking declared sizes against the files before reading them. */
async function readWeights(dir: string, modelJson: Record<string, any>, file: string): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.length) throw fail(file, '"weightsManifest" is missing or empty');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const files: string[] = [];
  let declared = 0;
  for (const group of manifest) {
    for (const p of group.paths ?? []) {
      if (typeof p !== 'string' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) throw fail(file, `weight path ${JSON.stringify(p)} must stay inside the model folder`);
      files.push(p);
    }
    for (const s of group.weights ?? []) {
      if (s.dtype !== 'float32' || s.quantization) throw fail(file, `weight "${s.name}" is ${s.quantization ? 'quantized' : s.dtype}; only float32 weights are imported`);
      if (!Array.isArray(s.shape) || !s.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)) throw fail(file, `weight "${s.name}" has an invalid shape`);
      declared += s.shape.reduce((a: number, b: number) => a * b, 1) * 4;
      specs.push(s);
    }
  }
  if (declared > MAX_WEIGHT_BYTES) throw fail(file, `declares ${(declared / 2 ** 20).toFixed(0)} MB of weights (at most ${MAX_WEIGHT_BYTES / 2 ** 20} MB)`);
  const sizes = await Promise.all(files.map((p) => fs.stat(path.join(dir, p)).then((st) => st.size, () => {
    throw fail(file, `weight file ${p} is missing`);
  })));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== declared) throw fail(file, `the weight files hold ${total} bytes but the manifest declares ${declared}`);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of files) {
    const bytes = await fs.readFile(path.join(dir, p));
    data.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return { specs, data: data.buffer };
}

/**
 * The project's generator holding the source's weights: kernels as they are
 * (transposed kernels with their input channels reordered to [skip, decoder]
 * where the source concatenates [decoder, skip]), norms mapped per `norm`.
 */
export function mapWeights(parsed: ParsedGenerator, weights: tf.NamedTensorMap, file: string): tf.LayersModel {
  const { config, encoder, decoder } = parsed;
  const get = (layer: string, w: string): tf.Tensor => {
    const t = weights[`${layer}/${w}`];
    if (!t) throw fail(file, `weight "${layer}/${w}" is missing from the manifest`);
    return t;
  };
  const model = buildGenerator(config);
  const assign = (layer: string, values: tf.Tensor[]) => {
    const target = model.getLayer(layer);
    const shapes = target.getWeights().map((w) => JSON.stringify(w.shape));
    values.forEach((v, k) => {
      if (JSON.stringify(v.shape) !== shapes[k]) throw fail(file, `${layer}: weight ${k} has shape [${v.shape}], the project's layer needs ${shapes[k]}`);
    });
    target.setWeights(values);
  };
  const kerasGan = parsed.family === 'keras-gan';
  /** `decoderFirst`: the input is the source's [decoder (`decoderChannels`), skip]; the project's is [skip, decoder]. */
  const convWeights = (block: Block, decoderFirst: boolean, decoderChannels: number): tf.Tensor[] => {
    let kernel = get(block.conv.name, 'kernel');
    const filters = Number(block.conv.config.filters);
    const hasBias = block.conv.config.use_bias !== false;
    if (decoderFirst) {
      // Conv2DTranspose kernels are [kh, kw, out, in]; Conv2D kernels (Keras-GAN) [kh, kw, in, out].
      const axis = kerasGan ? 2 : 3;
      const [decoderPart, skipPart] = tf.split(kernel, [decoderChannels, kernel.shape[axis]! - decoderChannels], axis);
      kernel = tf.concat([skipPart, decoderPart], axis);
    }
    const bias = hasBias ? get(block.conv.name, 'bias') : tf.zeros([filters]);
    return [kernel, bias];
  };
  const normWeights = (block: Block, convBias: tf.Tensor): tf.Tensor[] => {
    const n = block.norm!.name;
    const channels = Number(block.conv.config.filters);
    const gamma = block.norm!.config.scale === false ? tf.ones([channels]) : get(n, 'gamma');
    const beta = block.norm!.config.center === false ? tf.zeros([channels]) : get(n, 'beta');
    if (config.norm === 'instance') return [gamma, beta];
    // Keras-GAN: an activation sits between conv and norm, so the conv keeps its bias.
    if (kerasGan) return [gamma, beta, get(n, 'moving_mean'), get(n, 'moving_variance')];
    // Batch norm with the stored statistics: fold the conv bias into the moving mean (the project's conv has none).
    return [gamma, beta, get(n, 'moving_mean').sub(convBias), get(n, 'moving_variance')];
  };
  try {
    tf.tidy(() => fill());
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;

  function fill(): void {
    const usesBias = kerasGan || config.norm !== 'batch';
    encoder.forEach((block, level) => {
      const [kernel, bias] = convWeights(block, false, 0);
      assign(`down${level}_conv`, level === 0 || usesBias ? [kernel, bias] : [kernel]);
      if (block.norm) assign(`down${level}_norm`, normWeights(block, bias));
    });
    decoder.forEach((block, k) => {
      const level = config.depth - 1 - k;
      // The concat that feeds this block is the one after the previous (inner) block.
      const reorder = k > 0 && decoder[k - 1].decoderFirst === true;
      const [kernel, bias] = convWeights(block, reorder, k > 0 ? Number(decoder[k - 1].conv.config.filters) : 0);
      assign(`up${level}_conv`, level === 0 || usesBias ? [kernel, bias] : [kernel]);
      if (block.norm) assign(`up${level}_norm`, normWeights(block, bias));
    });
  }
}

export interface LayersImportOptions {
  /** Folder with model.json and its shards. */
  dir: string;
  out: string;
  norm?: ImportedNorm;
  direction?: 'AtoB' | 'BtoA';
  /** A line for theme.json: where the model comes from and its licence. */
  credit?: string;
  force?: boolean;
}

export interface LayersImportResult {
  checkpointDir: string;
  config: ModelConfig;
  parameters: number;
  /** Max |source − imported| on a noise input, in [-1, 1] output units (the source run with batch statistics for --norm instance). */
  maxAbsError: number;
  sha256: string;
}

/** The source model's output on `x` as it is meant to run: batch statistics (instance) or inference mode (batch); dropout off. */
function sourceOutput(source: tf.LayersModel, x: tf.Tensor4D, norm: ImportedNorm): tf.Tensor {
  if (norm === 'batch') return source.predict(x) as tf.Tensor;
  for (const layer of source.layers) if (layer.getClassName() === 'Dropout') (layer as unknown as { rate: number }).rate = 0;
  return source.apply(x, { training: true }) as tf.Tensor;
}

export async function importTfjsLayers(opts: LayersImportOptions): Promise<LayersImportResult> {
  const file = path.join(opts.dir, 'model.json');
  const checkpointDir = path.join(opts.out, CHECKPOINT_DIR);
  if (!opts.force && (await exists(checkpointDir))) throw new LayersImportError(`${checkpointDir} already exists; pass --force to replace it, or choose another --out`);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new LayersImportError(`${file}: not found (--tfjs takes the folder holding model.json and its weight shards)`);
  if (stat.size > MAX_MODEL_JSON_BYTES) throw fail(file, `is ${stat.size} bytes; a layers topology is far smaller (at most ${MAX_MODEL_JSON_BYTES})`);
  const text = await fs.readFile(file, 'utf8');
  let modelJson: Record<string, any>;
  try {
    modelJson = JSON.parse(text);
  } catch (e) {
    throw fail(file, `not valid JSON (${(e as Error).message})`);
  }
  const parsed = parseGenerator(modelJson, file, opts.norm);
  const norm = parsed.config.norm as ImportedNorm;
  const { specs, data } = await readWeights(opts.dir, modelJson, file);
  const sha256 = createHash('sha256').update(text).update(new Uint8Array(data)).digest('hex');
  const weights = tf.io.decodeWeights(data, specs);
  let generator: tf.LayersModel | null = null;
  let source: tf.LayersModel | null = null;
  try {
    generator = mapWeights(parsed, weights, file);
    // Check the mapping: the source model itself, as tfjs runs it, against the imported generator.
    source = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: data }));
    const x = tf.randomUniform([1, parsed.config.size, parsed.config.size, parsed.config.inChannels], -1, 1, 'float32', 11) as tf.Tensor4D;
    const maxAbsError = tf.tidy(() => sourceOutput(source!, x, norm).sub(generator!.predict(x) as tf.Tensor).abs().max().dataSync()[0]);
    x.dispose();
    if (!(maxAbsError < 1e-3)) throw fail(file, `the imported generator differs from the source by up to ${maxAbsError.toFixed(4)} on a test input: the mapping is not exact (please report this model)`);
    const parameters = generator.countParams();
    await writeImportedCheckpoint(opts.out, generator, null, parsed.config, {
      direction: opts.direction ?? 'AtoB',
      backend: 'tfjs layers (imported)',
      source: `imported from ${opts.dir} (sha256 ${sha256.slice(0, 16)}…), a TensorFlow.js layers pix2pix generator${opts.credit ? `; ${opts.credit}` : ''}`,
      imported: {
        from: path.resolve(opts.dir),
        format: 'tfjs-layers',
        sha256,
        norm,
        biasBeforeNorm: parsed.biasBeforeNorm,
        maxAbsError,
        credit: opts.credit ?? null,
        note: 'training provenance unknown: imported; step and seconds are those of this import, not of its training',
      },
    });
    return { checkpointDir, config: parsed.config, parameters, maxAbsError, sha256 };
  } finally {
    tf.dispose(Object.values(weights));
    generator?.dispose();
    source?.dispose();
  }
}
