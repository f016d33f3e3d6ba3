/**
 * npm run bench -- [--json] [--quick] [--out bench.json] [--backends wasm,cpu] [--no-browser] [--no-peer]
 *
 * Training and inference speed of the shared pix2pix networks on every
 * backend that loads here, in Node and in headless Chromium, side by side with
 * PyTorch on the CPU (trainer/bench/peer.py) when python3-torch is installed.
 * --json writes bench.json (schema: trainer/bench/report.ts); a table is always printed.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultConfig, type ModelConfig } from '../../shared/config.js';
import { selectBackend, type BackendChoice } from '../backend.js';
import { generatorMacs, timeInference, timeTraining } from '../bench/node_bench.js';
import { findPeer, type PeerJob, type PeerResult } from '../bench/peer_runner.js';
import { newCommand, runIfEntry } from './common';
import { formatTables, median, percentile, type BenchJson, type InferRow, type SizeRow, type TrainRow } from '../bench/report.js';

interface BenchFlags {
  json: boolean;
  quick: boolean;
  out: string;
  backends?: string;
  browser: boolean;
  peer: boolean;
}

function buildProgram(): Command {
  return newCommand('bench', 'Training and inference speed on every backend that loads here, in Node and headless Chromium, beside PyTorch when python3-torch is installed.')
    .option('--json', 'write bench.json (or --out FILE)', false)
    .option('--quick', '128 px training rows only, fewer iterations (3–5 min on 2 busy cores; add --no-browser for ~2)', false)
    .option('--out <file>', 'where --json writes', 'bench.json')
    .option('--backends <list>', 'Node backends to measure, comma-separated (default: every one that loads among node-gpu,node,wasm,cpu; cpu trains ~30x slower than wasm, so its training rows run only when named here)')
    .option('--no-browser', 'skip headless Chromium')
    .option('--no-peer', 'skip PyTorch');
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface TrainSpec {
  size: number;
  ngf: number;
  batch: number;
  iters: number;
}
// Medians of enough iterations that one slow step (GC, a neighbour's burst) does not decide the ratio:
// with 2–3, repeated runs of the 128 px batch-1 row scattered ±20%.
const trainSpecs = (quick: boolean): TrainSpec[] => quick
  ? [
      { size: 128, ngf: 32, batch: 1, iters: 7 },
      { size: 128, ngf: 32, batch: 4, iters: 2 },
    ]
  : [
      { size: 128, ngf: 32, batch: 1, iters: 9 },
      { size: 128, ngf: 32, batch: 4, iters: 3 },
      { size: 256, ngf: 64, batch: 1, iters: 1 },
      { size: 256, ngf: 64, batch: 4, iters: 1 },
    ];
const trainName = (s: TrainSpec) => `pix2pix ${s.size}px ngf/ndf ${s.ngf} batch ${s.batch}`;

interface InferSpec {
  name: string;
  config: ModelConfig;
}

function readThemes(): { specs: InferSpec[]; sizes: SizeRow[] } {
  const dir = path.resolve('assets/themes');
  const indexFile = path.join(dir, 'index.json');
  if (!fs.existsSync(indexFile)) return { specs: [], sizes: [] };
  const specs: InferSpec[] = [];
  const sizes: SizeRow[] = [];
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { themes?: { name: string; path: string }[] };
  for (const entry of index.themes ?? []) {
    try {
      const themeDir = path.join(dir, entry.path);
      const theme = JSON.parse(fs.readFileSync(path.join(themeDir, 'theme.json'), 'utf8'));
      specs.push({ name: `theme ${entry.name}`, config: theme.config });
      const shipped = theme.weights?.quantization ?? 'none';
      const files: string[] = [theme.weights?.model ?? 'model.json', ...(theme.weights?.files ?? []).map((f: { path: string }) => f.path)];
      const bytes = files.reduce((sum, f) => sum + (fs.existsSync(path.join(themeDir, f)) ? fs.statSync(path.join(themeDir, f)).size : 0), 0);
      sizes.push({ theme: entry.name, quantization: shipped, bytes, source: 'shipped' });
      const params: number | undefined = theme.weights?.parameters;
      if (params) {
        for (const [q, per] of [['none', 4], ['float16', 2], ['uint8', 1]] as const) {
          if (q !== shipped) sizes.push({ theme: entry.name, quantization: q, bytes: params * per, source: 'estimate' });
        }
      }
    } catch (e) {
      log(`theme ${entry.name} skipped: ${(e as Error).message}`);
    }
  }
  return { specs, sizes };
}

async function availableBackends(named: string | undefined): Promise<{ names: string[]; explicit: boolean }> {
  if (named) return { names: named.split(',').map((s) => s.trim()), explicit: true };
  const names: string[] = [];
  for (const b of ['node-gpu', 'node', 'wasm', 'cpu'] as const) {
    try {
      await selectBackend(b);
      names.push(b);
    } catch (e) {
      log(`backend ${b} not measured: ${(e as Error).message.split('. To use it')[0]}`);
    }
  }
  return { names, explicit: false };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
const round = (v: number | null | undefined, d = 4) => (v == null ? null : Number(v.toFixed(d)));

export async function main(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const flags = buildProgram().parse(args, { from: 'user' }).opts<BenchFlags>();
  const { quick } = flags;
  const TRAIN_SPECS = trainSpecs(quick);
  const peer = !flags.peer ? { available: false, status: 'skipped (--no-peer)', version: null, run: () => [] as PeerResult[] } : findPeer();
  log(`peer: ${peer.status}`);
  const { names: backends, explicit } = await availableBackends(flags.backends);
  log(`backends: ${backends.join(', ')}`);
  const { specs: themeSpecs, sizes } = readThemes();
  const inferSpecs: InferSpec[] = [...themeSpecs, { name: 'reference 256px ngf 64', config: defaultConfig({ size: 256, ngf: 64, ndf: 64 }) }];
  if (!themeSpecs.length) log('no themes in assets/themes: inference rows for the reference generator only');

  // --- training, ours ---
  const train: TrainRow[] = [];
  for (const backend of backends) {
    if (backend === 'cpu' && !explicit) {
      train.push(...TRAIN_SPECS.map((s) => ({ ...emptyTrain(s, 'cpu'), note: 'skipped: ~30x slower than wasm (name it in --backends to measure)' })));
      continue;
    }
    const selected = await selectBackend(backend as BackendChoice);
    for (const s of TRAIN_SPECS) {
      log(`train ${trainName(s)} on ${backend}…`);
      const t = await timeTraining(s.size, s.ngf, s.ngf, s.batch, s.iters);
      train.push({
        ...emptyTrain(s, selected.name),
        secPerIter: round(t.secPerIter),
        cpuSecPerIter: round(t.cpuSecPerIter),
        peakRssMB: rssMB(),
      });
    }
  }
  const trainPeakRss = rssMB();

  // --- inference in Node ---
  const infer: InferRow[] = [];
  const macs = new Map(inferSpecs.map((s) => [s.name, generatorMacs(s.config)]));
  for (const backend of backends) {
    if (backend === 'cpu' && !explicit) {
      for (const s of inferSpecs) {
        infer.push({ ...inferRow(s, 'node', 'cpu', 1, [], 0), note: 'skipped: ~50x slower than wasm (about 100 s for 256px ngf 64); name it in --backends' });
      }
      continue;
    }
    const selected = await selectBackend(backend as BackendChoice);
    for (const s of inferSpecs) {
      const iters = quick ? 3 : backend === 'cpu' ? 1 : 10;
      log(`infer ${s.name} on ${backend} (node)…`);
      const t = await timeInference(s.config, iters);
      infer.push(inferRow(s, 'node', selected.name, 1, t.times, macs.get(s.name)!));
    }
  }

  // --- inference in headless Chromium ---
  let chromium: string | null = null;
  if (flags.browser) {
    try {
      const { openBrowser } = await import('../bench/browser_bench.js');
      const session = await openBrowser();
      chromium = session.version;
      try {
        for (const backend of ['webgl', 'wasm', 'wasm+kernels'] as const) {
          for (const s of inferSpecs) {
            log(`infer ${s.name} on ${backend} (browser)…`);
            try {
              // SwiftShader WebGL and stock wasm take tens of seconds for 256px ngf 64 on this kind of machine.
              const slow = backend !== 'wasm+kernels' && s.config.ngf * s.config.size >= 64 * 256;
              const r = await session.run(backend, s.config, quick || slow ? 2 : 5);
              const row = inferRow(s, 'browser', backend, r.threads, r.times, macs.get(s.name)!);
              if (r.renderer) row.note = r.renderer.slice(0, 60);
              infer.push(row);
            } catch (e) {
              infer.push({ ...inferRow(s, 'browser', backend, 1, [], 0), note: `failed: ${(e as Error).message.slice(0, 120)}` });
            }
          }
        }
      } finally {
        await session.close();
      }
    } catch (e) {
      log(`browser rows skipped: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  // --- PyTorch, same jobs, same threads ---
  if (peer.available) {
    log('PyTorch peer…');
    const trainJobs: PeerJob[] = TRAIN_SPECS.map((s) => ({ mode: 'train', size: s.size, ngf: s.ngf, ndf: s.ngf, batch: s.batch, iters: s.iters }));
    const inferJobs: PeerJob[] = inferSpecs.map((s) => ({ mode: 'infer', size: s.config.size, ngf: s.config.ngf, iters: quick ? 3 : 10 }));
    const threadCounts = [...new Set([1, ...infer.map((r) => r.threads)])];
    const byThreads = new Map<number, PeerResult[]>();
    for (const th of threadCounts) byThreads.set(th, peer.run(th === 1 ? [...trainJobs, ...inferJobs] : inferJobs, th));
    const one = byThreads.get(1)!;
    for (const row of train) {
      const p = one.find((r) => r.job.mode === 'train' && r.job.size === row.size && r.job.ngf === row.ngf && r.job.batch === row.batch);
      row.peerSecPerIter = round(p?.secPerIter);
      row.peerCpuSecPerIter = round(p?.cpuSecPerIter);
      row.ratio = round(ratio(row.secPerIter, row.peerSecPerIter), 3);
      row.cpuRatio = round(ratio(row.cpuSecPerIter, row.peerCpuSecPerIter), 3);
    }
    for (const row of infer) {
      const p = (byThreads.get(row.threads) ?? one).find((r) => r.job.mode === 'infer' && r.job.size === row.size && r.job.ngf === row.ngf);
      row.peerMs = round(p?.medianMs, 2);
      row.ratio = round(ratio(row.medianMs, row.peerMs), 3);
    }
  }

  const result: BenchJson = {
    machine: {
      cpus: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      tfjs: tf.version_core,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      chromium,
      torch: peer.version,
      date: new Date().toISOString(),
      quick,
      seconds: Math.round((performance.now() - started) / 1000),
    },
    train,
    infer,
    size: sizes,
    memory: { peakRssMB: trainPeakRss },
    peer: { available: peer.available, status: peer.status, threads: peer.available ? [...new Set([1, ...infer.map((r) => r.threads)])] : [] },
  };
  if (flags.json) {
    // Whole or not at all: a bench interrupted while writing leaves the previous file.
    fs.writeFileSync(`${flags.out}.tmp`, JSON.stringify(result, null, 2) + '\n');
    fs.renameSync(`${flags.out}.tmp`, flags.out);
    log(`wrote ${flags.out}`);
  }
  process.stdout.write(`${formatTables(result)}\n`);
  return 0;
}

function emptyTrain(s: TrainSpec, backend: string): TrainRow {
  return {
    name: trainName(s),
    size: s.size,
    ngf: s.ngf,
    ndf: s.ngf,
    batch: s.batch,
    backend,
    threads: 1,
    secPerIter: null,
    cpuSecPerIter: null,
    iters: s.iters,
    peerSecPerIter: null,
    peerCpuSecPerIter: null,
    ratio: null,
    cpuRatio: null,
    peakRssMB: rssMB(),
  };
}

function inferRow(s: InferSpec, where: 'node' | 'browser', backend: string, threads: number, times: number[], macs: number): InferRow {
  const med = times.length ? median(times) : null;
  return {
    name: s.name,
    where,
    backend,
    size: s.config.size,
    ngf: s.config.ngf,
    threads,
    medianMs: round(med, 2),
    p95Ms: times.length ? round(percentile(times, 95), 2) : null,
    iters: times.length,
    peerMs: null,
    ratio: null,
    gmacPerSec: med ? round(macs / (med / 1000) / 1e9, 3) : null,
  };
}

await runIfEntry('bench', import.meta.url, main);
