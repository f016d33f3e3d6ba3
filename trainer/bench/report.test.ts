import { describe, expect, it } from 'vitest';
import { formatTables, median, percentile, type BenchJson } from './report.js';

describe('bench report', () => {
  it('median and p95', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
  });

  it('prints tables with "—" where PyTorch is not installed', () => {
    const bench: BenchJson = {
      machine: { cpus: 'x', cores: 2, memoryGB: 8, node: '20', tfjs: '4.22.0', platform: 'linux', loadAverage: [1, 1, 1], chromium: null, torch: null, date: '', quick: true, seconds: 1 },
      train: [{ name: 'pix2pix 128px', size: 128, ngf: 32, ndf: 32, batch: 1, backend: 'wasm', threads: 1, secPerIter: 1.5, cpuSecPerIter: 1.2, iters: 2, peerSecPerIter: null, peerCpuSecPerIter: null, ratio: null, cpuRatio: null, peakRssMB: 400 }],
      infer: [{ name: 'reference', where: 'node', backend: 'wasm', size: 256, ngf: 64, threads: 1, medianMs: 2000, p95Ms: 2100, iters: 3, peerMs: null, ratio: null, gmacPerSec: 3 }],
      size: [],
      memory: { peakRssMB: 400 },
      peer: { available: false, status: 'not installed', threads: [] },
    };
    const text = formatTables(bench);
    expect(text).toMatch(/PyTorch not installed/);
    expect(text).toMatch(/pix2pix 128px\s+wasm\s+1\s+1\.500\s+1\.200\s+—/);
    expect(text).toMatch(/no themes/);
    expect(JSON.parse(JSON.stringify(bench)).train[0].peerSecPerIter).toBeNull();
  });
});
