/**
 * The doodle2photo model package: everything that is "pix2pix", usable from
 * the browser and from Node (no DOM or Node APIs in here).
 */
export * from './config';
export { buildGenerator, countTrainableParams, encoderChannels } from './generator';
export { buildDiscriminator } from './discriminator';
export { InstanceNormalization } from './layers/instanceNorm';
export * from './losses';
export { Pix2PixModel, LOSS_NAMES, DEFAULT_HYPERPARAMS, type Losses, type TrainHyperparams } from './pix2pix';
export * from './image';
export { Rng } from './random';
export {
  ThemeError,
  readTheme,
  loadTheme,
  validateThemeJson,
  type ThemeJson,
  type ThemeSource,
  type LoadedTheme,
} from './theme';
export { validateThemeIndex, resolveThemeIndex, themeFolderUrl, type ThemeIndex, type IndexedTheme, type ResolvedThemeIndex } from './themeIndex';
export { Translator, TranslatorError, type TranslatorInput, type Frame } from './translator';
export { computeMetrics, l1, ssim, psnr, sharpness, edgeF1, METRIC_NAMES, type Metrics } from './metrics';
export { quantizeWeights, type QuantizeMode } from './quantize';
export { normalizeDoodle } from './doodleFraming';
export { photoToEdges } from './pixels/photoEdges';
export { canny } from './pixels/filters';
