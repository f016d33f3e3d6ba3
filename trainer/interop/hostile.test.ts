/** Hostile .pth files: that declare gigabytes are refused before anything is allocated. */
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { picklePthStateDict } from './pickleWriter';
import { PthError, readPth, writePth } from './pth';

function zipPth(pkl: Uint8Array, storages: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': pkl, 'archive/byteorder': new TextEncoder().encode('little') };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = v;
  files['archive/version'] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 9 });
}

/** Rewrites the uncompressed size an entry declares (local header and central directory), as a zip bomb's would. */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const enc = new TextEncoder().encode(name);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    const [nameAt, sizeAt] = sig === 0x04034b50 ? [30, 22] : sig === 0x02014b50 ? [46, 24] : [0, 0];
    if (!nameAt) continue;
    const len = view.getUint16(i + (sig === 0x04034b50 ? 26 : 28), true);
    if (len === enc.length && enc.every((b, k) => out[i + nameAt + k] === b)) view.setUint32(i + sizeAt, size, true);
  }
  return out;
}

const rssMB = () => process.memoryUsage().rss / 1024 / 1024;

describe('hostile .pth files', () => {
  it('zero-stride tensors (expand(400_000_000) under three keys) are refused at once', () => {
    const keys = ['a', 'b', 'c'];
    const pkl = picklePthStateDict(keys.map((key) => ({ key, storageKey: '0', storage: 'FloatStorage', shape: [400_000_000], stride: [0], storageNumel: 1 })));
    const file = zipPth(pkl, { 0: new Uint8Array(4) });
    expect(file.length).toBeLessThan(2000);
    const before = rssMB();
    const t0 = performance.now();
    expect(() => readPth(file, 'expand.pth')).toThrow(/expand\.pth: tensor "a" \[400000000\] has 400000000 values but its storage only 1 \(a zero-stride/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(rssMB() - before).toBeLessThan(100);
  });

  it('a zip whose data/0 declares 2 GiB is refused before inflating', () => {
    const pkl = picklePthStateDict([{ key: 'w', storageKey: '0', storage: 'FloatStorage', shape: [4] }]);
    const bomb = declareSize(zipPth(pkl, { 0: new Uint8Array(16) }), 'archive/data/0', 2 ** 31);
    const before = rssMB();
    expect(() => readPth(bomb, 'bomb.pth')).toThrow(/bomb\.pth: archive\/data\/0 declares 2147483648 bytes, but its storage holds 4 float32 values \(16 bytes\)/);
    expect(rssMB() - before).toBeLessThan(100);
  });

  it('a storage declaring more values than any pix2pix network is refused', () => {
    const pkl = picklePthStateDict([{ key: 'w', storageKey: '0', storage: 'FloatStorage', shape: [536_870_912] }]);
    const bomb = declareSize(zipPth(pkl, { 0: new Uint8Array(16) }), 'archive/data/0', 2 ** 31);
    expect(() => readPth(bomb, 'big.pth')).toThrow(/big\.pth declares more than 150000000 values/);
  });

  it('a gzip whose trailer declares gigabytes is refused before inflating', () => {
    const gz = gzipSync(new Uint8Array(64));
    new DataView(gz.buffer).setUint32(gz.length - 4, 0xfffffff0, true);
    expect(() => readPth(gz, 'big.pth.gz')).toThrow(/big\.pth\.gz is a gzip file that inflates to 4294967280 bytes/);
  });

  it('an oversized pickle is refused before inflating', () => {
    const file = declareSize(zipPth(new Uint8Array([0x80, 2, 0x2e]), {}), 'archive/data.pkl', 2 ** 30);
    expect(() => readPth(file, 'pkl.pth')).toThrow(PthError);
  });

  it('ordinary files still read', () => {
    const sd = readPth(writePth(new Map([['w', { dtype: 'float32' as const, shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }]])));
    expect([...sd.get('w')!.data]).toEqual([1, 2, 3, 4]);
  });
});
