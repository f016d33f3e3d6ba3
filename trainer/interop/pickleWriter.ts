/**
 * The one pickle torch.load needs from us: data.pkl of a zip-format state_dict,
 *   OrderedDict([(key, torch._utils._rebuild_tensor_v2(<storage>, 0, shape, stride, False, OrderedDict())), …])
 * written with pickle protocol 2 opcodes (what torch.save itself uses), each
 * storage a persistent id ('storage', torch.FloatStorage, '<n>', 'cpu', numel).
 */
const OP = {
  PROTO: 0x80,
  GLOBAL: 0x63, // c
  EMPTY_TUPLE: 0x29, // )
  REDUCE: 0x52, // R
  MARK: 0x28, // (
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  BINUNICODE: 0x58, // X
  BININT: 0x4a, // J
  NEWFALSE: 0x89,
  BINPERSID: 0x51, // Q
  STOP: 0x2e, // .
} as const;

class PickleBuilder {
  private readonly chunks: number[] = [];
  private readonly encoder = new TextEncoder();

  op(code: number): this {
    this.chunks.push(code);
    return this;
  }
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.chunks.push(b);
    return this;
  }
  global(module: string, name: string): this {
    return this.op(OP.GLOBAL).raw(this.encoder.encode(`${module}\n${name}\n`));
  }
  str(s: string): this {
    const bytes = this.encoder.encode(s);
    return this.op(OP.BINUNICODE).uint32(bytes.length).raw(bytes);
  }
  int(n: number): this {
    if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new RangeError(`pickle int out of range: ${n}`);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    return this.op(OP.BININT).raw(b);
  }
  tuple(items: (() => void)[]): this {
    this.op(OP.MARK);
    for (const item of items) item();
    return this.op(OP.TUPLE);
  }
  emptyOrderedDict(): this {
    return this.global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE).op(OP.REDUCE);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
  private uint32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return this.raw(b);
  }
}

export interface PickledTensor {
  key: string;
  /** Key of its storage record (data/<storageKey>). */
  storageKey: string;
  /** Legacy storage class name, e.g. FloatStorage. */
  storage: string;
  shape: number[];
  /** Tests of hostile files: a stride and a storage size other than the contiguous ones. */
  stride?: number[];
  storageNumel?: number;
}

export function picklePthStateDict(tensors: PickledTensor[]): Uint8Array {
  const p = new PickleBuilder();
  p.op(OP.PROTO).op(2).emptyOrderedDict().op(OP.MARK);
  for (const t of tensors) {
    const numel = t.storageNumel ?? t.shape.reduce((a, b) => a * b, 1);
    const stride = t.stride ?? t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    p.str(t.key).global('torch._utils', '_rebuild_tensor_v2');
    p.tuple([
      () => {
        p.tuple([() => p.str('storage'), () => p.global('torch', t.storage), () => p.str(t.storageKey), () => p.str('cpu'), () => p.int(numel)]);
        p.op(OP.BINPERSID);
      },
      () => p.int(0),
      () => p.tuple(t.shape.map((s) => () => p.int(s))),
      () => p.tuple(stride.map((s) => () => p.int(s))),
      () => p.op(OP.NEWFALSE),
      () => p.emptyOrderedDict(),
    ]);
    p.op(OP.REDUCE);
  }
  return p.op(OP.SETITEMS).op(OP.STOP).bytes();
}
