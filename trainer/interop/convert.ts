import * as tf from '@tensorflow/tfjs';
import { type ModelConfig, type Norm } from '../../shared/config';
import { BN_COUNTER, BN_PARAMS, type LayerMap, unetBlockPath } from './layout';
import { PthError, type PthOutTensor, type StateDict } from './pth';

/**
 * Moves weights between a tfjs model and a reference pix2pix state_dict.
 *
 * Layouts: Conv2d weights are OIHW in PyTorch, HWIO in tfjs; ConvTranspose2d
 * weights are (in, out, kH, kW) in PyTorch and [kH, kW, out, in] in tfjs. Both
 * are the same permutation ([2, 3, 1, 0] one way, [3, 2, 0, 1] back) and neither
 * needs a spatial flip: tfjs's conv2dTranspose and PyTorch's ConvTranspose2d
 * are both the gradient of a cross-correlation, and 'same' padding with a 4×4
 * kernel and stride 2 pads 1 on each side, as padding=1 does (the parity test
 * proves it). Batch norm: weight/bias/running_mean/running_var ↔
 * gamma/beta/moving_mean/moving_variance, used identically at inference.
 *
 * Biases. The reference has no conv bias where batch norm follows, nor on the
 * outermost down conv; ours has one on `down0_conv` (and on every PatchGAN
 * conv). Import: a bias the file lacks is zero (exactly the reference). A bias
 * in front of batch norm is folded into the running mean, exactly, in both
 * directions: BN(x + b) with running mean m equals BN(x) with running mean m − b
 * (and in training mode the batch mean absorbs b). Export: a bias that can be
 * neither written nor folded (`down0_conv`; any conv when norm is none) is left
 * out and reported, so the caller can warn or refuse.
 */

export interface ImportReport {
  /** Our bias parameters that the file does not have, set to zero (exact). */
  zeroBiases: string[];
  /** File biases folded into the following batch norm's running mean. */
  folded: string[];
  /** Keys that were read but not needed (num_batches_tracked). */
  ignored: string[];
  /** A `module.` prefix (DataParallel) was removed from every key. */
  strippedPrefix: string | null;
}

export interface ExportReport {
  /** Biases folded into the next batch norm's running mean (exact). */
  folded: string[];
  /** Biases the reference has no place for: left out; max |b| of each. */
  dropped: { layer: string; maxAbs: number }[];
  /** Reference biases our layer does not have, written as zeros. */
  zeroBiases: string[];
}

const PREFIXES = ['module.'];

function stripPrefix(sd: StateDict): { sd: StateDict; prefix: string | null } {
  for (const prefix of PREFIXES) {
    if (sd.size && [...sd.keys()].every((k) => k.startsWith(prefix))) {
      return { sd: new Map([...sd].map(([k, v]) => [k.slice(prefix.length), v])), prefix };
    }
  }
  return { sd, prefix: null };
}

const shapeText = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

/** tfjs kernel shape → PyTorch weight shape (both conv kinds). */
const torchKernelShape = (tfShape: number[]) => [tfShape[3], tfShape[2], tfShape[0], tfShape[1]];

/** tfjs [kh, kw, a, b] → PyTorch [b, a, kh, kw], or back with `toTfjs` (plain loops: tf.transpose on the cpu backend takes minutes for a 54 M-parameter net). */
export function permuteKernel(data: Float32Array, tfShape: number[], toTfjs = false): Float32Array {
  const [kh, kw, a, b] = tfShape;
  const out = new Float32Array(data.length);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let i = 0; i < a; i++) {
        const tfBase = ((h * kw + w) * a + i) * b;
        for (let o = 0; o < b; o++) {
          const torchIndex = ((o * a + i) * kh + h) * kw + w;
          if (toTfjs) out[tfBase + o] = data[torchIndex];
          else out[torchIndex] = data[tfBase + o];
        }
      }
    }
  }
  return out;
}

function layerWeights(model: tf.LayersModel, name: string): tf.LayerVariable[] {
  try {
    return model.getLayer(name).weights;
  } catch {
    throw new Error(`the tfjs model has no layer ${name}`);
  }
}

const suffix = (v: tf.LayerVariable) => v.originalName.slice(v.originalName.lastIndexOf('/') + 1);

export interface LoadOptions {
  /** Names the file in messages. */
  what: string;
  /** Describes the config in messages, e.g. "ngf 64, depth 8, norm batch". */
  describe: string;
}

/** Sets every weight of `model` from the state_dict, or throws a PthError naming the first bad key. */
export function loadStateDict(model: tf.LayersModel, layout: LayerMap[], input: StateDict, opts: LoadOptions): ImportReport {
  const { sd, prefix } = stripPrefix(input);
  const report: ImportReport = { zeroBiases: [], folded: [], ignored: [], strippedPrefix: prefix };
  const used = new Set<string>();
  const take = (key: string, layer: string): void => {
    const t = sd.get(key);
    if (!t) {
      throw new PthError(
        `${opts.what}: missing key "${key}" (weights of our layer ${layer}); the file does not hold the pix2pix network this config describes (${opts.describe}). ` +
          'Check --ngf/--size/--norm, or that the file is a generator (latest_net_G.pth) and not a discriminator.',
      );
    }
    used.add(key);
  };
  const checkShape = (key: string, expected: number[]) => {
    const got = sd.get(key)!.shape;
    if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
      throw new PthError(
        `${opts.what}: key "${key}" has shape ${shapeText(got)}, but the config (${opts.describe}) needs ${shapeText(expected)}. ` +
          'The file was trained with other settings: pass the matching --ngf/--size/--norm, or leave them out to read them from the file.',
      );
    }
  };

  // Check every key first (missing, unknown, shape), so a bad file changes nothing.
  const plan: (() => void)[] = [];
  const runningMeanShift = new Map<string, Float32Array>();
  for (const m of layout) {
    const weights = layerWeights(model, m.layer);
    if (m.kind === 'batchNorm') {
      const values = new Map<string, Float32Array>();
      for (const p of BN_PARAMS) {
        const key = `${m.torch}.${p.torch}`;
        const v = weights.find((w) => suffix(w) === p.tfjs)!;
        take(key, m.layer);
        checkShape(key, v.shape as number[]);
        values.set(p.tfjs, sd.get(key)!.data);
      }
      if (sd.has(`${m.torch}.${BN_COUNTER}`)) {
        used.add(`${m.torch}.${BN_COUNTER}`);
        report.ignored.push(`${m.torch}.${BN_COUNTER}`);
      }
      plan.push(() => {
        const shift = runningMeanShift.get(m.layer);
        const list = weights.map((w) => {
          let data = values.get(suffix(w))!;
          if (shift && suffix(w) === 'moving_mean') data = data.map((v, i) => v - shift[i]);
          return tf.tensor(data, w.shape as number[]);
        });
        model.getLayer(m.layer).setWeights(list);
        tf.dispose(list);
      });
      continue;
    }
    const kernel = weights.find((w) => suffix(w) === 'kernel')!;
    const bias = weights.find((w) => suffix(w) === 'bias');
    const wKey = `${m.torch}.weight`;
    const bKey = `${m.torch}.bias`;
    const torchShape = torchKernelShape(kernel.shape as number[]);
    take(wKey, m.layer);
    checkShape(wKey, torchShape);
    const fileHasBias = sd.has(bKey) || m.referenceBias;
    if (fileHasBias) {
      take(bKey, m.layer);
      checkShape(bKey, [torchShape[m.kind === 'conv' ? 0 : 1]]);
      if (!bias) {
        if (!m.nextNorm) throw new PthError(`${opts.what}: key "${bKey}" has no place in our layer ${m.layer}, which has no bias and no batch norm after it`);
        runningMeanShift.set(m.nextNorm, sd.get(bKey)!.data);
        report.folded.push(bKey);
      }
    } else if (bias) {
      report.zeroBiases.push(`${m.layer}/bias`);
    }
    plan.push(() => {
      const list = [tf.tensor(permuteKernel(sd.get(wKey)!.data, kernel.shape as number[], true), kernel.shape as number[])];
      if (bias) list.push(fileHasBias && sd.has(bKey) ? tf.tensor(sd.get(bKey)!.data, bias.shape as number[]) : tf.zeros(bias.shape as number[]));
      model.getLayer(m.layer).setWeights(list);
      tf.dispose(list);
    });
  }
  const unknown = [...sd.keys()].filter((k) => !used.has(k));
  if (unknown.length) {
    throw new PthError(
      `${opts.what}: unknown key "${unknown[0]}"${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ''}: not part of the pix2pix network this config describes (${opts.describe}). ` +
        'A deeper U-Net (larger --size), another norm, or another architecture (resnet_9blocks) was saved in this file.',
    );
  }
  for (const step of plan) step();
  return report;
}

/** The reference state_dict of `model` (keys in PyTorch's module order), folding or dropping biases as described above. */
export function toStateDict(model: tf.LayersModel, layout: LayerMap[]): { state: Map<string, PthOutTensor>; report: ExportReport } {
  const report: ExportReport = { folded: [], dropped: [], zeroBiases: [] };
  const state = new Map<string, PthOutTensor>();
  const shift = new Map<string, Float32Array>();
  const read = (v: tf.LayerVariable) => v.read().dataSync() as Float32Array;
  for (const m of layout) {
    const weights = layerWeights(model, m.layer);
    if (m.kind === 'batchNorm') {
      for (const p of BN_PARAMS) {
        const v = weights.find((w) => suffix(w) === p.tfjs)!;
        let data = Float32Array.from(read(v));
        const s = p.tfjs === 'moving_mean' ? shift.get(m.layer) : undefined;
        if (s) data = data.map((x, i) => x - s[i]);
        state.set(`${m.torch}.${p.torch}`, { dtype: 'float32', shape: v.shape as number[], data });
      }
      state.set(`${m.torch}.${BN_COUNTER}`, { dtype: 'int64', shape: [], data: [0] });
      continue;
    }
    const kernel = weights.find((w) => suffix(w) === 'kernel')!;
    const bias = weights.find((w) => suffix(w) === 'bias');
    const torchShape = torchKernelShape(kernel.shape as number[]);
    state.set(`${m.torch}.weight`, { dtype: 'float32', shape: torchShape, data: permuteKernel(read(kernel), kernel.shape as number[]) });
    const outChannels = torchShape[m.kind === 'conv' ? 0 : 1];
    if (m.referenceBias) {
      if (bias) state.set(`${m.torch}.bias`, { dtype: 'float32', shape: [outChannels], data: Float32Array.from(read(bias)) });
      else {
        state.set(`${m.torch}.bias`, { dtype: 'float32', shape: [outChannels], data: new Float32Array(outChannels) });
        report.zeroBiases.push(`${m.torch}.bias`);
      }
    } else if (bias) {
      const b = Float32Array.from(read(bias));
      if (m.nextNorm) {
        shift.set(m.nextNorm, b);
        report.folded.push(`${m.layer}/bias`);
      } else {
        report.dropped.push({ layer: m.layer, maxAbs: b.reduce((a, x) => Math.max(a, Math.abs(x)), 0) });
      }
    }
  }
  return { state: new Map([...state].sort(([a], [b]) => compareKeys(a, b))), report };
}

const PARAM_ORDER = ['weight', 'bias', 'running_mean', 'running_var', BN_COUNTER];

/** PyTorch's state_dict order: modules depth-first by index, then each module's parameters, then buffers. */
function compareKeys(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const modA = pa.slice(0, -1);
  const modB = pb.slice(0, -1);
  for (let i = 0; i < Math.min(modA.length, modB.length); i++) {
    if (modA[i] === modB[i]) continue;
    const na = Number(modA[i]);
    const nb = Number(modB[i]);
    return Number.isNaN(na) || Number.isNaN(nb) ? modA[i].localeCompare(modB[i]) : na - nb;
  }
  if (modA.length !== modB.length) return modA.length - modB.length;
  return PARAM_ORDER.indexOf(pa[pa.length - 1]) - PARAM_ORDER.indexOf(pb[pb.length - 1]);
}

/** What a reference U-Net state_dict says about its config (ngf, depth, norm, channels). */
export function inferGeneratorConfig(input: StateDict, what: string): Pick<ModelConfig, 'ngf' | 'depth' | 'norm' | 'inChannels' | 'outChannels' | 'channelCap'> {
  const { sd } = stripPrefix(input);
  const first = sd.get('model.model.0.weight');
  const last = sd.get('model.model.3.weight');
  if (!first || !last || first.shape.length !== 4 || last.shape.length !== 4) {
    const sample = [...sd.keys()].slice(0, 3).join(', ');
    throw new PthError(
      `${what}: missing key "${first ? 'model.model.3.weight' : 'model.model.0.weight'}": this is not a pix2pix U-Net generator state_dict (its keys start ${sample || '(none)'}). ` +
        'Pass the generator file (latest_net_G.pth) of a model trained with --netG unet_256 or unet_128.',
    );
  }
  let depth = 1;
  while ([...sd.keys()].some((k) => k.startsWith(`${unetBlockPath(depth)}.`))) depth++;
  let channelCap = first.shape[0];
  for (let level = 1; level < depth; level++) {
    const w = sd.get(`${unetBlockPath(level)}.1.weight`);
    if (w) channelCap = Math.max(channelCap, w.shape[0]);
  }
  const keys = [...sd.keys()];
  const norm: Norm = keys.some((k) => k.endsWith('.running_mean')) ? 'batch' : sd.has(`${unetBlockPath(1)}.1.bias`) ? 'instance' : 'none';
  return { ngf: first.shape[0], inChannels: first.shape[1], outChannels: last.shape[1], depth, norm, channelCap };
}

/** Same for a PatchGAN (NLayerDiscriminator) state_dict. */
export function inferDiscriminatorConfig(input: StateDict, what: string): Pick<ModelConfig, 'ndf' | 'nLayersD' | 'norm'> & { inputChannels: number } {
  const { sd } = stripPrefix(input);
  const first = sd.get('model.0.weight');
  if (!first || first.shape.length !== 4) throw new PthError(`${what}: missing key "model.0.weight": not a pix2pix PatchGAN (NLayerDiscriminator) state_dict`);
  const convs = [...sd.keys()].filter((k) => /^model\.\d+\.weight$/.test(k) && sd.get(k)!.shape.length === 4);
  const norm: Norm = [...sd.keys()].some((k) => k.endsWith('.running_mean')) ? 'batch' : sd.has('model.2.bias') ? 'instance' : 'none';
  return { ndf: first.shape[0], nLayersD: convs.length - 2, norm, inputChannels: first.shape[1] };
}
