import { gunzipSync, unzipSync, zipSync } from 'fflate';
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import { picklePthStateDict } from './pickleWriter';
import { BadInputError } from '../../shared/errors';

/**
 * PyTorch `.pth` files (what `torch.save(net.state_dict(), f)` writes), read and
 * written without Python:
 *   - the zip format (torch ≥ 1.6): ARCHIVE/data.pkl (a pickle whose tensors point to
 *     storages by key) + ARCHIVE/data/<key> (raw little-endian storages) + ARCHIVE/version;
 *   - the legacy format (torch < 1.6, e.g. older published pix2pix models): a run of
 *     pickles (magic, protocol, system info, the object, storage keys) then each storage
 *     as an int64 element count and its raw bytes;
 *   - either of them gzipped (the committed parity fixtures are).
 * Only what a state_dict holds is understood: an OrderedDict of name → tensor.
 */
export class PthError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'PthError';
  }
}

/**
 * What a .pth may make us allocate, checked from what the file declares before
 * anything is inflated or copied: values over all tensors (a pix2pix U-Net-256
 * at ngf 64 has 54 M; the theme limit is 150 M), and the pickle's size.
 */
export const MAX_PTH_VALUES = 150_000_000;
export const MAX_PICKLE_BYTES = 64 * 1024 * 1024;
export interface PthLimits {
  maxValues?: number;
}

export type PthDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A tensor from a state_dict, copied out contiguous (row-major in its PyTorch shape), values as float32. */
export interface PthTensor {
  dtype: PthDtype;
  shape: number[];
  data: Float32Array;
}

export type StateDict = Map<string, PthTensor>;

const STORAGE_DTYPES: Record<string, PthDtype> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};
const ELEMENT_BYTES: Record<PthDtype, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};
export const DTYPE_STORAGE: Record<PthDtype, string> = Object.fromEntries(
  Object.entries(STORAGE_DTYPES).map(([storage, dtype]) => [dtype, storage]),
) as Record<PthDtype, string>;

interface StorageType {
  readonly storageDtype: PthDtype;
}
interface StorageRef {
  dtype: PthDtype;
  key: string;
  numel: number;
}
interface TensorRef {
  readonly isTensorRef: true;
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

/** OrderedDict; BUILD may hand it `_metadata` (module versions), which a state_dict does not need. */
class OrderedDict extends Map<unknown, unknown> {
  __setstate__(): void {}
}

class TorchNames extends NameRegistry {
  constructor(private readonly what: string) {
    super();
    this.register('collections', 'OrderedDict', () => new OrderedDict());
    this.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, shape: number[], stride: number[]) =>
      tensorRef(storage, offset, shape, stride),
    );
    this.register('torch._utils', '_rebuild_tensor', (storage: StorageRef, offset: number, shape: number[], stride: number[]) =>
      tensorRef(storage, offset, shape, stride),
    );
    this.register('torch._utils', '_rebuild_parameter', (data: TensorRef) => data);
    for (const [name, dtype] of Object.entries(STORAGE_DTYPES)) {
      const type: StorageType = { storageDtype: dtype };
      this.register('torch', name, Object.assign(() => type, type));
    }
  }

  override onMissingName(module: string, name: string): never {
    throw new PthError(
      `${this.what} contains a pickled ${module}.${name}, which is not part of a state_dict. ` +
        'Save the weights with torch.save(net.state_dict(), FILE) (as the reference pix2pix does for latest_net_G.pth), not the whole model or training state.',
    );
  }
}

function tensorRef(storage: StorageRef, offset: number, shape: number[], stride: number[]): TensorRef {
  return { isTensorRef: true, storage, offset: Number(offset), shape: [...shape].map(Number), stride: [...stride].map(Number) };
}

function isTensorRef(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && (v as TensorRef).isTensorRef === true;
}

function storageRef(pid: unknown, what: string): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage') throw new PthError(`${what}: unexpected persistent id ${JSON.stringify(pid)} in the pickle`);
  const [, type, key, , numel, view] = pid as [string, StorageType, string, string, number, unknown];
  if (!type?.storageDtype) throw new PthError(`${what}: storage of an unknown type in the pickle`);
  if (view != null) throw new PthError(`${what}: storage views of the legacy format are not supported; re-save the file with a current PyTorch`);
  return { dtype: type.storageDtype, key: String(key), numel: Number(numel) };
}

function parsePickle(bytes: Uint8Array, what: string, reader?: BufferReader): unknown {
  const parser = new Parser({
    nameResolver: new TorchNames(what),
    persistentResolver: { resolve: (pid: unknown) => storageRef(pid, what) },
    unpicklingTypeOfDictionary: 'Map',
  });
  try {
    return reader ? parser.read(reader) : parser.parse(bytes);
  } catch (e) {
    if (e instanceof PthError) throw e;
    throw new PthError(`${what}: the pickle inside is damaged or incomplete (${(e as Error).message})`);
  }
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isPickle = (b: Uint8Array) => b.length >= 2 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5;

/** The zip's end-of-central-directory record: missing when the file was cut short. */
function hasZipDirectory(b: Uint8Array): boolean {
  const from = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= from; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return true;
  }
  return false;
}

/** Reads a state_dict from the bytes of a .pth file. `what` names it in messages (the file path). */
export function readPth(input: Uint8Array, what = 'the .pth file', limits: PthLimits = {}): StateDict {
  const maxValues = limits.maxValues ?? MAX_PTH_VALUES;
  let bytes = input;
  if (isGzip(bytes)) {
    // The gzip trailer declares the inflated length (mod 2^32); fflate allocates exactly that, so refuse a huge one first.
    const declared = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
    if (declared > maxValues * 8 + MAX_PICKLE_BYTES) {
      throw new PthError(`${what} is a gzip file that inflates to ${declared} bytes, more than any pix2pix state_dict (${maxValues} values)`);
    }
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new PthError(`${what} is a gzip file that is truncated or damaged (${(e as Error).message})`);
    }
  }
  if (isZip(bytes)) return readZipPth(bytes, what, maxValues);
  if (isPickle(bytes)) return readLegacyPth(bytes, what, maxValues);
  throw new PthError(`${what} is not a PyTorch checkpoint: it is neither a torch.save zip archive nor a legacy torch.save pickle`);
}

function readZipPth(bytes: Uint8Array, what: string, maxValues: number): StateDict {
  if (!hasZipDirectory(bytes)) {
    throw new PthError(
      `${what} is a truncated zip archive (${bytes.length} bytes, no central directory at the end): the file was cut short, ` +
        'e.g. by an interrupted download or copy, or by a torch.save that did not finish. Copy it again.',
    );
  }
  const unzip = (filter: (f: { name: string; originalSize: number }) => boolean) => {
    try {
      return unzipSync(bytes, { filter });
    } catch (e) {
      if (e instanceof PthError) throw e;
      throw new PthError(`${what} is a damaged zip archive (${(e as Error).message})`);
    }
  };
  // First the pickle alone (fflate allocates each entry's declared size: check it before inflating).
  const meta = unzip((f) => {
    if (!/^[^/]+\/(data\.pkl|byteorder)$/.test(f.name)) return false;
    if (f.originalSize > MAX_PICKLE_BYTES) throw new PthError(`${what}: ${f.name} declares ${f.originalSize} bytes, more than a state_dict's pickle (${MAX_PICKLE_BYTES})`);
    return true;
  });
  const pkl = Object.keys(meta).find((n) => n.endsWith('/data.pkl'));
  if (!pkl) throw new PthError(`${what} is a zip archive but not a torch.save file: no <archive>/data.pkl inside`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const byteorder = meta[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new PthError(`${what} was saved on a big-endian machine; re-save it on a little-endian one`);
  }
  const obj = parsePickle(meta[pkl], what);
  const refs = checkDeclaredSizes(obj, what, maxValues);
  // Then only the storages the tensors use, each exactly the size its storage declares.
  const files = unzip((f) => {
    if (!f.name.startsWith(`${prefix}data/`)) return false;
    const ref = refs.get(f.name.slice(prefix.length + 'data/'.length));
    if (!ref) return false;
    const need = ref.numel * ELEMENT_BYTES[ref.dtype];
    if (f.originalSize !== need) {
      throw new PthError(`${what}: ${f.name} declares ${f.originalSize} bytes, but its storage holds ${ref.numel} ${ref.dtype} values (${need} bytes): damaged or crafted file`);
    }
    return true;
  });
  return materialize(obj, what, (storage) => files[`${prefix}data/${storage.key}`]);
}

/**
 * Before any storage is read: every tensor is a view that fits its storage
 * (no zero-stride or overlapping expansion: numel ≤ the storage's values), and
 * the values over all tensors and storages are within `maxValues`.
 */
function checkDeclaredSizes(obj: unknown, what: string, maxValues: number): Map<string, StorageRef> {
  const refs = new Map<string, StorageRef>();
  if (!(obj instanceof Map)) return refs; // materialize says what it is
  let values = 0;
  let stored = 0;
  for (const [key, value] of obj) {
    if (!isTensorRef(value)) continue;
    const { storage, shape, stride } = value;
    if (![...shape, ...stride, storage.numel, value.offset].every((n) => Number.isSafeInteger(n) && n >= 0) || shape.length !== stride.length) {
      throw new PthError(`${what}: tensor "${String(key)}" has an invalid shape ${JSON.stringify(shape)} or stride ${JSON.stringify(stride)}`);
    }
    const numel = shape.reduce((a, b) => a * b, 1);
    if (numel > storage.numel) {
      throw new PthError(
        `${what}: tensor "${String(key)}" ${JSON.stringify(shape)} has ${numel} values but its storage only ${storage.numel} ` +
          '(a zero-stride or overlapping view, e.g. expand()): not a saved state_dict; save contiguous tensors',
      );
    }
    values += numel;
    if (!refs.has(storage.key)) {
      refs.set(storage.key, storage);
      stored += storage.numel;
    }
    if (values > maxValues || stored > maxValues) {
      throw new PthError(`${what} declares more than ${maxValues} values, more than any pix2pix network this imports`);
    }
  }
  return refs;
}

/** PROTO 2, LONG1 of 10 bytes (the magic number, little-endian), STOP. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

function readLegacyPth(bytes: Uint8Array, what: string, maxValues: number): StateDict {
  // The first pickle is the magic number 0x1950a86a20f9469cfc6c as a LONG1 (too wide for the pickle reader): match its bytes.
  if (!LEGACY_MAGIC.every((b, i) => bytes[i] === b)) throw new PthError(`${what} is a pickle but not a torch.save file (no torch magic number)`);
  const body = bytes.subarray(LEGACY_MAGIC.length);
  const reader = new BufferReader(body);
  const next = () => parsePickle(body, what, reader);
  next(); // protocol version
  next(); // system info (endianness, type sizes)
  const obj = next();
  const keys = next();
  if (!Array.isArray(keys)) throw new PthError(`${what}: legacy torch.save file without its storage list (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs = checkDeclaredSizes(obj, what, maxValues);
  const storages = new Map<string, Uint8Array>();
  let pos = LEGACY_MAGIC.length + reader.position;
  for (const key of keys.map(String)) {
    const ref = refs.get(key);
    if (pos + 8 > bytes.length) break; // truncated: materialize names the first tensor left without data
    const numel = Number(view.getBigInt64(pos, true));
    pos += 8;
    const length = numel * ELEMENT_BYTES[ref?.dtype ?? 'float32'];
    storages.set(key, bytes.subarray(pos, Math.min(pos + length, bytes.length)));
    pos += length;
  }
  return materialize(obj, what, (storage) => storages.get(storage.key));
}

/** Turns the unpickled state_dict into contiguous float32 tensors, checking every storage is complete. */
function materialize(obj: unknown, what: string, storageBytes: (s: StorageRef) => Uint8Array | undefined): StateDict {
  if (!(obj instanceof Map)) {
    throw new PthError(`${what} does not hold a state_dict (found ${Array.isArray(obj) ? 'a list' : typeof obj}); save net.state_dict()`);
  }
  const out: StateDict = new Map();
  for (const [rawKey, value] of obj) {
    const key = String(rawKey);
    if (!isTensorRef(value)) {
      const nested = value instanceof Map ? ` (a nested dict: if this file wraps the weights, e.g. {'${key}': state_dict, …}, save the inner state_dict alone)` : '';
      throw new PthError(`${what}: entry "${key}" is not a tensor${nested}`);
    }
    const { storage, offset, shape, stride } = value;
    const bytes = storageBytes(storage);
    if (!bytes) throw new PthError(`${what}: the data of tensor "${key}" (storage ${storage.key}) is missing from the file (truncated or damaged)`);
    const elementBytes = ELEMENT_BYTES[storage.dtype];
    const numel = shape.reduce((a, b) => a * b, 1);
    let lastIndex = offset;
    for (let d = 0; d < shape.length; d++) lastIndex += (shape[d] - 1) * stride[d];
    if (numel > 0 && (lastIndex + 1) * elementBytes > bytes.length) {
      throw new PthError(
        `${what}: tensor "${key}" ${JSON.stringify(shape)} needs ${(lastIndex + 1) * elementBytes} bytes of storage data/${storage.key}, ` +
          `but only ${bytes.length} are there (truncated or damaged file)`,
      );
    }
    out.set(key, { dtype: storage.dtype, shape, data: gather(bytes, storage.dtype, offset, shape, stride, numel) });
  }
  return out;
}

function gather(bytes: Uint8Array, dtype: PthDtype, offset: number, shape: number[], stride: number[], numel: number): Float32Array {
  const contiguous = shape.every((_, d) => shape[d] === 1 || stride[d] === shape.slice(d + 1).reduce((a, b) => a * b, 1));
  if (dtype === 'float32' && contiguous) {
    // The common case (every tensor of a state_dict): one little-endian copy, no per-element indexing.
    return new Float32Array(bytes.slice(offset * 4, (offset + numel) * 4).buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = elementReader(view, dtype);
  const out = new Float32Array(numel);
  const index = new Array(shape.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let src = offset;
    for (let d = 0; d < shape.length; d++) src += index[d] * stride[d];
    out[i] = read(src);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function elementReader(v: DataView, dtype: PthDtype): (i: number) => number {
  switch (dtype) {
    case 'float32': return (i) => v.getFloat32(i * 4, true);
    case 'float64': return (i) => v.getFloat64(i * 8, true);
    case 'float16': return (i) => halfToFloat(v.getUint16(i * 2, true));
    case 'bfloat16': {
      const f = new DataView(new ArrayBuffer(4));
      return (i) => (f.setUint32(0, v.getUint16(i * 2, true) << 16, true), f.getFloat32(0, true));
    }
    case 'int64': return (i) => Number(v.getBigInt64(i * 8, true));
    case 'int32': return (i) => v.getInt32(i * 4, true);
    case 'int16': return (i) => v.getInt16(i * 2, true);
    case 'int8': return (i) => v.getInt8(i);
    case 'uint8':
    case 'bool': return (i) => v.getUint8(i);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** A tensor to write: float32 values, or int64 (num_batches_tracked). */
export interface PthOutTensor {
  dtype: 'float32' | 'int64';
  shape: number[];
  data: Float32Array | number[];
}

/**
 * Writes a state_dict as torch.save does (zip format, pickle protocol 2), readable by
 * torch.load in PyTorch ≥ 1.6. Entries keep their order.
 */
export function writePth(state: Map<string, PthOutTensor>, archive = 'archive'): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const entries: { key: string; storageKey: string; storage: string; shape: number[] }[] = [];
  const storages: [string, Uint8Array][] = [];
  let n = 0;
  for (const [key, t] of state) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== numel) throw new PthError(`writePth: "${key}" has ${t.data.length} values for shape ${JSON.stringify(t.shape)}`);
    const storageKey = String(n++);
    let raw: Uint8Array;
    if (t.dtype === 'float32') {
      raw = new Uint8Array(Float32Array.from(t.data).buffer);
    } else {
      const view = new DataView(new ArrayBuffer(numel * 8));
      for (let i = 0; i < numel; i++) view.setBigInt64(i * 8, BigInt(Math.round(t.data[i])), true);
      raw = new Uint8Array(view.buffer);
    }
    storages.push([storageKey, raw]);
    entries.push({ key, storageKey, storage: DTYPE_STORAGE[t.dtype], shape: t.shape });
  }
  // data.pkl first: PyTorch takes the archive folder name from the first entry.
  files[`${archive}/data.pkl`] = picklePthStateDict(entries);
  files[`${archive}/byteorder`] = new TextEncoder().encode('little');
  for (const [k, raw] of storages) files[`${archive}/data/${k}`] = raw;
  files[`${archive}/version`] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0 });
}
