import { type ModelConfig } from '../../shared/config';

/**
 * Where each of our layers lives in the reference pix2pix state_dict
 * (junyanz/pytorch-CycleGAN-and-pix2pix, models/networks.py), derived from the
 * block structure so it holds for any depth.
 *
 * UnetGenerator: `model` is the outermost UnetSkipConnectionBlock; every block
 * keeps its layers in a Sequential called `model`, with the next block inside:
 *   outermost  [0 downconv, 1 <inner block>, 2 ReLU, 3 upconv(bias), 4 Tanh]
 *   middle     [0 LeakyReLU, 1 downconv, 2 downnorm, 3 <inner block>, 4 ReLU, 5 upconv, 6 upnorm, (7 Dropout)]
 *   innermost  [0 LeakyReLU, 1 downconv, 2 ReLU, 3 upconv, 4 upnorm]
 * so level 0 is `model.model.`, level 1 `model.model.1.model.`, level 2
 * `model.model.1.model.3.model.`, … (our down{i}/up{i} are level i).
 *
 * NLayerDiscriminator: one Sequential `model`:
 *   [0 conv(bias), 1 LeakyReLU, then per layer n ≥ 1: conv, norm, LeakyReLU, …, last conv(bias)]
 * so layer n's conv is `model.{3n-1}`, its norm `model.{3n}`, the logits conv `model.{3N+2}`.
 *
 * The reference gives a conv a bias only when no batch norm follows it
 * (`use_bias = norm is InstanceNorm2d`), plus the outermost up conv and the
 * discriminator's first and last convs. Our nets also give `down0_conv` (and,
 * in the PatchGAN, every conv) a bias; see convert.ts for how that is mapped.
 */
export type LayerKind = 'conv' | 'convTranspose' | 'batchNorm';

export interface LayerMap {
  /** tfjs layer name. */
  layer: string;
  /** Module path in the PyTorch state_dict (keys are `${torch}.weight` etc.). */
  torch: string;
  kind: LayerKind;
  /** Conv layers: whether the reference module has a bias parameter. */
  referenceBias?: boolean;
  /** Conv layers: the batch-norm layer right after it in both networks (a bias before it can be folded into its running mean). */
  nextNorm?: string;
}

/** Module path of U-Net level `level` (0 = outermost) in the reference. */
export function unetBlockPath(level: number): string {
  let p = 'model.model';
  for (let l = 1; l <= level; l++) p += `.${l === 1 ? 1 : 3}.model`;
  return p;
}

export function generatorLayout(config: ModelConfig): LayerMap[] {
  const refBias = config.norm === 'instance';
  const bn = config.norm === 'batch';
  const out: LayerMap[] = [];
  for (let level = 0; level < config.depth; level++) {
    const p = unetBlockPath(level);
    const outermost = level === 0;
    const innermost = level === config.depth - 1;
    if (outermost) {
      out.push({ layer: 'down0_conv', torch: `${p}.0`, kind: 'conv', referenceBias: refBias });
      out.push({ layer: 'up0_conv', torch: `${p}.3`, kind: 'convTranspose', referenceBias: true });
    } else if (innermost) {
      out.push({ layer: `down${level}_conv`, torch: `${p}.1`, kind: 'conv', referenceBias: refBias });
      out.push({ layer: `up${level}_conv`, torch: `${p}.3`, kind: 'convTranspose', referenceBias: refBias, ...(bn ? { nextNorm: `up${level}_norm` } : {}) });
      if (bn) out.push({ layer: `up${level}_norm`, torch: `${p}.4`, kind: 'batchNorm' });
    } else {
      out.push({ layer: `down${level}_conv`, torch: `${p}.1`, kind: 'conv', referenceBias: refBias, ...(bn ? { nextNorm: `down${level}_norm` } : {}) });
      if (bn) out.push({ layer: `down${level}_norm`, torch: `${p}.2`, kind: 'batchNorm' });
      out.push({ layer: `up${level}_conv`, torch: `${p}.5`, kind: 'convTranspose', referenceBias: refBias, ...(bn ? { nextNorm: `up${level}_norm` } : {}) });
      if (bn) out.push({ layer: `up${level}_norm`, torch: `${p}.6`, kind: 'batchNorm' });
    }
  }
  return out;
}

export function discriminatorLayout(config: ModelConfig): LayerMap[] {
  const refBias = config.norm === 'instance';
  const bn = config.norm === 'batch';
  const out: LayerMap[] = [{ layer: 'layer0_conv', torch: 'model.0', kind: 'conv', referenceBias: true }];
  for (let n = 1; n <= config.nLayersD; n++) {
    out.push({ layer: `layer${n}_conv`, torch: `model.${3 * n - 1}`, kind: 'conv', referenceBias: refBias, ...(bn ? { nextNorm: `layer${n}_norm` } : {}) });
    if (bn) out.push({ layer: `layer${n}_norm`, torch: `model.${3 * n}`, kind: 'batchNorm' });
  }
  out.push({ layer: 'logits_conv', torch: `model.${3 * config.nLayersD + 2}`, kind: 'conv', referenceBias: true });
  return out;
}

/** Batch-norm parameter names: PyTorch ↔ tfjs. */
export const BN_PARAMS = [
  { torch: 'weight', tfjs: 'gamma' },
  { torch: 'bias', tfjs: 'beta' },
  { torch: 'running_mean', tfjs: 'moving_mean' },
  { torch: 'running_var', tfjs: 'moving_variance' },
] as const;
export const BN_COUNTER = 'num_batches_tracked';
