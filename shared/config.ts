import { BadInputError } from './errors';
/**
 * ModelConfig: everything that decides the shape of the pix2pix networks.
 * It is data — stored in checkpoints and theme.json — so a saved model can
 * always be rebuilt exactly. Defaults reproduce pix2pix `unet_256` + the 70×70
 * PatchGAN (`basic` D, n_layers 3).
 */
export type Norm = 'batch' | 'instance' | 'none';
export type GanMode = 'vanilla' | 'lsgan';
/**
 * How the U-Net decoder doubles the resolution: 'transpose' = 4×4 stride-2
 * transposed convolution (pix2pix; .pth interop), 'resize' = nearest ×2 then a
 * 3×3 convolution (Odena et al. 2016: no checkerboard grid).
 */
export type Upsample = 'transpose' | 'resize';
export const UPSAMPLE_MODES: readonly Upsample[] = ['transpose', 'resize'];
/**
 * The order of the layers inside each U-Net block.
 * 'pix2pix' (junyanz, affinelayer): LeakyReLU → conv → norm down, ReLU → up-conv → norm up.
 * 'keras-gan' (eriklindernoren/Keras-GAN, the community shoes generator): conv → LeakyReLU → norm
 * down (norm on every block but the first, the innermost included), nearest ×2 → 4×4 stride-1 conv →
 * ReLU → norm up, every conv with a bias (the activation sits between conv and norm, so the bias is
 * not redundant), the outermost skip taken after the first LeakyReLU, no dropout. It needs
 * `upsample: 'resize'`.
 */
export type BlockLayout = 'pix2pix' | 'keras-gan';
export const BLOCK_LAYOUTS: readonly BlockLayout[] = ['pix2pix', 'keras-gan'];
/**
 * Input channels that themes trained with the retired learned hint channel have after the edge
 * image (hint RGB and a mask, as in Zhang et al. 2017). Colour now comes after the generator
 * (shared/regionColour); these channels are always fed zero, what such a theme saw for a drawing
 * without dabs.
 */
export const HINT_CHANNELS = 4;

export interface ModelConfig {
  /** Square input/output side in pixels. */
  size: number;
  inChannels: number;
  outChannels: number;
  /** Generator filters in the outermost layer. */
  ngf: number;
  /** Discriminator filters in the first layer. */
  ndf: number;
  /** Number of stride-2 downsampling steps in the U-Net (8 for unet_256, 7 for unet_128). */
  depth: number;
  /** Largest channel count any U-Net layer may have (reference: 8·ngf). */
  channelCap: number;
  norm: Norm;
  /** Dropout 0.5 in the first three decoder blocks (reference: on). */
  dropout: boolean;
  /** PatchGAN stride-2 layers (3 = 70×70 receptive field). */
  nLayersD: number;
  /** Decoder upsampling (absent in older themes and checkpoints: 'transpose'). */
  upsample: Upsample;
  /** A theme from the retired learned hint channel: HINT_CHANNELS more generator inputs, fed zero; D sees only the edges. Absent: false. */
  colourHints?: boolean;
  /** Norm on the innermost encoder block too (affinelayer/pix2pix-tensorflow does; junyanz's unet does not). Absent: false. */
  innermostNorm?: boolean;
  /** Instance norm with a learned per-channel scale and offset (imported generators whose batch norm runs on batch statistics). Absent: false. */
  normAffine?: boolean;
  /** Epsilon of the norm layers (absent: 1e-5, PyTorch's; Keras-trained generators use 1e-3). */
  normEpsilon?: number;
  /** Layer order inside the generator's blocks (absent: 'pix2pix'). */
  layout?: BlockLayout;
}

/** The fields that older configs lack, with the values those configs were built with. */
export const CONFIG_FIELD_DEFAULTS = { upsample: 'transpose' } as const satisfies Partial<ModelConfig>;

/** Generator input channels: the edge image plus, for themes from the learned hint channel, its zero channels. */
export function generatorInChannels(config: ModelConfig): number {
  return config.inChannels + (config.colourHints ? HINT_CHANNELS : 0);
}

export const MIN_SIZE = 16;
export const MAX_SIZE = 1024;
export const MAX_FILTERS = 512;

/** The reference configuration for a given side: depth log2(size) (bottleneck 1×1), as pix2pix's unet_256/unet_128. */
export function defaultConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  const size = overrides.size ?? 256;
  const ngf = overrides.ngf ?? 64;
  const base: ModelConfig = {
    size,
    inChannels: 3,
    outChannels: 3,
    ngf,
    ndf: overrides.ndf ?? 64,
    depth: Number.isInteger(Math.log2(size)) ? Math.log2(size) : 8,
    channelCap: ngf * 8,
    norm: 'batch',
    dropout: true,
    nLayersD: 3,
    ...CONFIG_FIELD_DEFAULTS,
  };
  return { ...base, ...overrides };
}

export class ConfigError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Every problem with a config, as sentences a person can act on. Empty when valid. */
export function configProblems(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return ['config must be an object'];
  const c = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['size', 'inChannels', 'outChannels', 'ngf', 'ndf', 'depth', 'channelCap', 'nLayersD'] as const) {
    if (!isPositiveInt(c[key])) problems.push(`${key} must be a positive integer (got ${JSON.stringify(c[key])})`);
  }
  if (!['batch', 'instance', 'none'].includes(c.norm as string)) {
    problems.push(`norm must be "batch", "instance" or "none" (got ${JSON.stringify(c.norm)})`);
  }
  if (typeof c.dropout !== 'boolean') problems.push(`dropout must be true or false (got ${JSON.stringify(c.dropout)})`);
  if (c.upsample !== undefined && !UPSAMPLE_MODES.includes(c.upsample as Upsample)) {
    problems.push(`upsample must be "transpose" or "resize" (got ${JSON.stringify(c.upsample)})`);
  }
  for (const key of ['colourHints', 'innermostNorm', 'normAffine'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') problems.push(`${key} must be true or false (got ${JSON.stringify(c[key])})`);
  }
  if (c.normEpsilon !== undefined && !(typeof c.normEpsilon === 'number' && c.normEpsilon > 0 && c.normEpsilon < 1)) {
    problems.push(`normEpsilon must be a number between 0 and 1 (got ${JSON.stringify(c.normEpsilon)})`);
  }
  if (c.layout !== undefined && !BLOCK_LAYOUTS.includes(c.layout as BlockLayout)) {
    problems.push(`layout must be "pix2pix" or "keras-gan" (got ${JSON.stringify(c.layout)})`);
  }
  if (problems.length) return problems;
  const cfg = c as unknown as ModelConfig;
  if (cfg.layout === 'keras-gan') {
    if ((cfg.upsample ?? 'transpose') !== 'resize') problems.push('layout "keras-gan" upsamples by resizing: it needs upsample "resize"');
    if (cfg.dropout) problems.push('layout "keras-gan" has no dropout: set dropout false');
  }
  if (cfg.size < MIN_SIZE || cfg.size > MAX_SIZE) problems.push(`size ${cfg.size} is out of range: use ${MIN_SIZE}..${MAX_SIZE}`);
  if (cfg.size % 2 ** cfg.depth !== 0) {
    const ok = Math.floor(cfg.size / 2 ** cfg.depth) * 2 ** cfg.depth || 2 ** cfg.depth;
    problems.push(
      `size ${cfg.size} is not divisible by 2^depth = ${2 ** cfg.depth}: the U-Net halves the image ${cfg.depth} times. ` +
        `Use a size that is a multiple of ${2 ** cfg.depth} (e.g. ${ok}) or a smaller depth.`,
    );
  }
  if (cfg.depth < 2 || cfg.depth > 10) problems.push(`depth ${cfg.depth} is out of range: use 2..10`);
  for (const key of ['ngf', 'ndf', 'channelCap'] as const) {
    if (cfg[key] > MAX_FILTERS * 8) problems.push(`${key} ${cfg[key]} is unreasonably large (max ${MAX_FILTERS * 8})`);
  }
  if (cfg.channelCap < cfg.ngf) problems.push(`channelCap ${cfg.channelCap} must be at least ngf (${cfg.ngf})`);
  if (cfg.nLayersD > 6) problems.push(`nLayersD ${cfg.nLayersD} is out of range: use 1..6`);
  if (cfg.size / 2 ** cfg.nLayersD < 4) {
    problems.push(`nLayersD ${cfg.nLayersD} downsamples a ${cfg.size}px image below 4px; use fewer discriminator layers`);
  }
  return problems;
}

/**
 * Throws a ConfigError listing every problem, or returns the config typed,
 * with the fields that older configs lack filled in (see CONFIG_FIELD_DEFAULTS).
 */
export function validateConfig(config: unknown): ModelConfig {
  const problems = configProblems(config);
  if (problems.length) throw new ConfigError(`Invalid model config: ${problems.join('; ')}`);
  return { ...CONFIG_FIELD_DEFAULTS, ...(config as ModelConfig) };
}
