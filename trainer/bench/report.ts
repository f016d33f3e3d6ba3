/** bench.json schema (tools read it; described in docs/performance.md) and the printed table. */

export interface TrainRow {
  name: string;
  size: number;
  ngf: number;
  ndf: number;
  batch: number;
  backend: string;
  threads: number;
  /** Median wall seconds per pix2pix iteration (D and G steps). */
  secPerIter: number | null;
  /** Median CPU seconds (user + system) per iteration: robust when other processes share the cores. */
  cpuSecPerIter: number | null;
  iters: number;
  peerSecPerIter: number | null;
  peerCpuSecPerIter: number | null;
  /** ours / PyTorch, wall clock. */
  ratio: number | null;
  /** ours / PyTorch, CPU time. */
  cpuRatio: number | null;
  /** Process peak RSS after this row, MB. */
  peakRssMB: number;
  note?: string;
}

export interface InferRow {
  name: string;
  where: 'node' | 'browser';
  backend: string;
  size: number;
  ngf: number;
  threads: number;
  medianMs: number | null;
  p95Ms: number | null;
  iters: number;
  peerMs: number | null;
  ratio: number | null;
  /** Generator multiply-adds per image ÷ median time, in G multiply-adds per second. */
  gmacPerSec: number | null;
  note?: string;
}

export interface SizeRow {
  theme: string;
  quantization: string;
  bytes: number;
  /** 'shipped' for the files on disk, 'estimate' for the other quantizations (parameters × bytes per value). */
  source: 'shipped' | 'estimate';
}

export interface BenchJson {
  machine: {
    cpus: string;
    cores: number;
    memoryGB: number;
    node: string;
    tfjs: string;
    platform: string;
    loadAverage: number[];
    chromium: string | null;
    torch: string | null;
    date: string;
    quick: boolean;
    seconds: number;
  };
  train: TrainRow[];
  infer: InferRow[];
  size: SizeRow[];
  memory: { peakRssMB: number };
  peer: { available: boolean; status: string; threads: number[] };
}

const fmt = (v: number | null | undefined, digits = 2): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatTables(b: BenchJson): string {
  const out: string[] = [];
  out.push(`machine: ${b.machine.cpus} × ${b.machine.cores}, Node ${b.machine.node}, tfjs ${b.machine.tfjs}, load ${b.machine.loadAverage.map((l) => l.toFixed(1)).join(' ')}, PyTorch ${b.machine.torch ?? b.peer.status}`);
  out.push('\ntrain (s per pix2pix iteration; ratio = ours / PyTorch, same threads)');
  out.push(
    table(
      ['row', 'backend', 'thr', 'wall s', 'cpu s', 'torch wall', 'torch cpu', 'ratio', 'cpu ratio', 'RSS MB', 'note'],
      b.train.map((r) => [
        r.name,
        r.backend,
        String(r.threads),
        fmt(r.secPerIter, 3),
        fmt(r.cpuSecPerIter, 3),
        fmt(r.peerSecPerIter, 3),
        fmt(r.peerCpuSecPerIter, 3),
        fmt(r.ratio),
        fmt(r.cpuRatio),
        String(r.peakRssMB),
        r.note ?? '',
      ]),
    ),
  );
  out.push('\ninfer (ms per translation, batch 1)');
  out.push(
    table(
      ['row', 'where', 'backend', 'thr', 'median', 'p95', 'torch', 'ratio', 'GMAC/s', 'note'],
      b.infer.map((r) => [r.name, r.where, r.backend, String(r.threads), fmt(r.medianMs, 1), fmt(r.p95Ms, 1), fmt(r.peerMs, 1), fmt(r.ratio), fmt(r.gmacPerSec), r.note ?? '']),
    ),
  );
  if (b.size.length) {
    out.push('\nsize');
    out.push(table(['theme', 'quantization', 'bytes', 'source'], b.size.map((r) => [r.theme, r.quantization, String(r.bytes), r.source])));
  } else {
    out.push('\nsize: no themes in assets/themes');
  }
  out.push(`\nmemory: peak RSS ${b.memory.peakRssMB} MB`);
  return out.join('\n');
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
