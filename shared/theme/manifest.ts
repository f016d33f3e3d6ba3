/**
 * model.json checks: the weights manifest and layer graph against what the
 * theme's config builds, sizes within limits, no NaN/Inf weights — all before
 * tfjs builds anything. Part of shared/theme.ts.
 */
import { generatorInChannels, type ModelConfig } from '../config';
import { specByteLength, type WeightSpec } from '../quantize';
import { generatorWeightShapes } from '../themeWeights';
import { generatorPlan, planActivationValues, settingMatches } from '../generatorPlan';
import { isNonNegInt, isObject, isSafeRelativePath, str, ThemeError } from './schema';

export function manifestSpecs(modelJson: unknown, file: string): { topology: object; paths: string[]; specs: WeightSpec[] } {
  const bad = (msg: string) => new ThemeError('invalid-manifest', file, msg);
  if (!isObject(modelJson)) throw bad('must be a JSON object');
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw bad(`"format" is ${str(modelJson.format)}; only TensorFlow.js layers models ("layers-model") are supported`);
  }
  if (!isObject(modelJson.modelTopology)) throw bad('"modelTopology" is missing');
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) throw bad('"weightsManifest" is missing or empty');
  const paths: string[] = [];
  const specs: WeightSpec[] = [];
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw bad('every "weightsManifest" group needs "paths" and "weights" lists');
    }
    for (const path of group.paths) {
      if (!isSafeRelativePath(path)) throw bad(`weight file path ${str(path)} must be a relative path inside the theme`);
      paths.push(path);
    }
    for (const s of group.weights) {
      if (!isObject(s) || typeof s.name !== 'string') throw bad(`a weight entry has no name: ${str(s)}`);
      const shapeOk = Array.isArray(s.shape) && s.shape.length <= 8 && s.shape.every(isNonNegInt);
      if (!shapeOk) throw bad(`weight "${s.name}" has an invalid shape ${str(s.shape)}`);
      if (s.dtype !== 'float32') throw bad(`weight "${s.name}" has dtype ${str(s.dtype)}; a generator's weights are float32`);
      if (s.quantization !== undefined) {
        const q = s.quantization;
        if (!isObject(q) || !['float16', 'uint8', 'uint16'].includes(q.dtype as string)) {
          throw bad(`weight "${s.name}" has an unknown quantization ${str(q)}`);
        }
        if (q.dtype !== 'float16' && !(typeof q.scale === 'number' && Number.isFinite(q.scale) && q.scale !== 0 && typeof q.min === 'number' && Number.isFinite(q.min))) {
          throw bad(`weight "${s.name}" is ${q.dtype}-quantized but lacks a finite non-zero "scale" and a finite "min"`);
        }
      }
      specs.push(s as unknown as WeightSpec);
    }
  }
  return { topology: modelJson.modelTopology, paths, specs };
}

export function checkTopologyInput(topology: Record<string, unknown>, config: ModelConfig, file: string): void {
  const layers = (isObject(topology.config) && Array.isArray(topology.config.layers)) ? topology.config.layers : null;
  if (!layers) throw new ThemeError('invalid-manifest', file, '"modelTopology" has no layer list');
  const input = layers.find((l) => isObject(l) && l.class_name === 'InputLayer') as Record<string, unknown> | undefined;
  const shape = input && isObject(input.config) ? (input.config.batch_input_shape ?? input.config.batchInputShape) : undefined;
  const want = [null, config.size, config.size, generatorInChannels(config)];
  if (JSON.stringify(shape) !== JSON.stringify(want)) {
    throw new ThemeError('weights-mismatch', file, `the model's input is ${str(shape)}, but theme.json's config needs ${str(want)}`);
  }
}

/** tfjs serializes a missing setting as null or leaves it out: the same here. */
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The whole layer graph against what the config builds (shared/generatorPlan):
 * the same layers by name, each of the same kind, fed by the same layers, with
 * the same shape-deciding settings; the same model inputs and outputs; and the
 * activation memory within limits. Runs before tfjs builds (allocates) anything.
 */
export function checkTopology(topology: Record<string, unknown>, config: ModelConfig, file: string, maxActivationBytes: number): void {
  const bad = (msg: string) => new ThemeError('topology-mismatch', file, msg);
  const cfg = isObject(topology.config) ? topology.config : null;
  const layers = cfg && Array.isArray(cfg.layers) ? cfg.layers : null;
  if (!cfg || !layers) throw new ThemeError('invalid-manifest', file, '"modelTopology" has no layer list');
  const plan = generatorPlan(config);
  const activationBytes = planActivationValues(plan) * 4;
  if (activationBytes > maxActivationBytes) {
    throw new ThemeError('too-large', file, `the model's layer outputs take ${fmtBytes(activationBytes)} per image, over the ${fmtBytes(maxActivationBytes)} limit`);
  }
  const expected = new Map(plan.map((l) => [l.name, l]));
  const seen = new Set<string>();
  for (const layer of layers) {
    const name = isObject(layer) && typeof layer.name === 'string' ? layer.name : isObject(layer) && isObject(layer.config) ? layer.config.name : undefined;
    if (!isObject(layer) || typeof name !== 'string') throw bad(`a layer without a name: ${str(layer)}`);
    if (seen.has(name)) throw bad(`layer "${name}" is listed twice`);
    seen.add(name);
    const want = expected.get(name);
    if (!want) throw bad(`layer "${name}" (${str(layer.class_name)}) is not part of the generator theme.json's config builds`);
    if (layer.class_name !== want.className) throw bad(`layer "${name}" is a ${str(layer.class_name)}, but theme.json's config builds a ${want.className}`);
    const lc = isObject(layer.config) ? layer.config : {};
    for (const [key, value] of Object.entries(want.attrs)) {
      if (!settingMatches(lc, key, value)) throw bad(`layer "${name}" has ${key} ${str(lc[key])}, but theme.json's config builds ${str(value)}`);
    }
    const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    const inbound = nodes.flatMap((node) => (Array.isArray(node) ? node.map((t) => (Array.isArray(t) ? t[0] : undefined)) : [undefined]));
    if (!sameValue(inbound, want.inbound)) throw bad(`layer "${name}" takes ${str(inbound)}, but theme.json's config feeds it ${str(want.inbound)}`);
  }
  const missing = plan.filter((l) => !seen.has(l.name)).map((l) => l.name);
  if (missing.length) throw bad(`missing ${missing.length} layer(s) the config builds: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  const ends = (v: unknown) => (Array.isArray(v) ? v.map((t) => (Array.isArray(t) ? t[0] : t)) : v);
  if (!sameValue(ends(cfg.input_layers), ['edges']) || !sameValue(ends(cfg.output_layers), [plan[plan.length - 1].name])) {
    throw bad(`the model's inputs ${str(ends(cfg.input_layers))} and outputs ${str(ends(cfg.output_layers))} are not the generator's (["edges"] → ["${plan[plan.length - 1].name}"])`);
  }
}

/** The first weight whose stored values hold NaN or ±Inf (float32 and float16 entries; quantized ones are finite by their checked scale and min). */
export function nonFiniteWeight(specs: WeightSpec[], data: Uint8Array): string | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const s of specs) {
    const bytes = specByteLength(s);
    const enc = s.quantization?.dtype ?? s.dtype;
    if (enc === 'float32') {
      for (let i = offset; i < offset + bytes; i += 4) if (!Number.isFinite(view.getFloat32(i, true))) return s.name;
    } else if (enc === 'float16') {
      for (let i = offset; i < offset + bytes; i += 2) if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) return s.name;
    }
    offset += bytes;
  }
  return null;
}

export const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${n} bytes`);

/** The size limits checkSpecs enforces; readTheme's options carry them, defaulting to schema's MAX_WEIGHT_BYTES and MAX_PARAMETERS. */
export interface WeightLimits {
  maxWeightBytes: number;
  maxParameters: number;
}

export function checkSpecs(specs: WeightSpec[], config: ModelConfig, file: string, opts: WeightLimits): number {
  // Sizes first: a manifest declaring gigabytes is refused before anything else is looked at.
  let bytes = 0;
  let values = 0;
  for (const s of specs) {
    bytes += specByteLength(s);
    values += s.shape.reduce((a, b) => a * b, 1);
  }
  if (bytes > opts.maxWeightBytes) {
    throw new ThemeError('too-large', file, `the manifest declares ${fmtBytes(bytes)} of weights, over the ${fmtBytes(opts.maxWeightBytes)} limit`);
  }
  if (values > opts.maxParameters) {
    throw new ThemeError('too-large', file, `the manifest declares ${values} weight values, over the ${opts.maxParameters} limit`);
  }
  const expected = generatorWeightShapes(config);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new ThemeError('weights-mismatch', file, `weight "${s.name}" is listed twice`);
    seen.add(s.name);
    const want = expected.get(s.name);
    if (!want) throw new ThemeError('weights-mismatch', file, `weight "${s.name}" is not part of the generator theme.json's config builds`);
    if (want.length !== s.shape.length || want.some((d, i) => d !== s.shape[i])) {
      throw new ThemeError('weights-mismatch', file, `weight "${s.name}" has shape [${s.shape}], but theme.json's config builds [${want}]`);
    }
  }
  const missing = [...expected.keys()].filter((n) => !seen.has(n));
  if (missing.length) {
    throw new ThemeError('weights-mismatch', file, `missing ${missing.length} weight(s) the config needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  }
  return bytes;
}
