import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { LOSS_NAMES } from '../shared/pix2pix';
import type { LossRecord } from './checkpoint';
import { writeFileAtomic } from './io/atomic';
import { modelToByte } from '../shared/image';

/**
 * What a person looks at while a run goes: sample grids (one row per example:
 * input | output | target) in RUN/samples/, and RUN/report.html with loss
 * curves and the sample history.
 */
export const SAMPLES_DIR = 'samples';

/** Images are HWC float in [-1, 1]. */
export async function writeSampleGrid(
  file: string,
  rows: { edges: Float32Array; output: Float32Array; target: Float32Array }[],
  size: number,
): Promise<void> {
  const width = size * 3;
  const height = size * rows.length;
  const rgb = new Uint8Array(width * height * 3);
  rows.forEach((row, r) => {
    [row.edges, row.output, row.target].forEach((img, col) => {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          for (let c = 0; c < 3; c++) {
            const v = img[(y * size + x) * 3 + c];
            rgb[((r * size + y) * width + col * size + x) * 3 + c] = modelToByte(v);
          }
        }
      }
    });
  });
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
  await writeFileAtomic(file, png);
}

function lossChart(history: LossRecord[]): string {
  const W = 720;
  const H = 220;
  const colors: Record<string, string> = { G_GAN: '#d62728', G_L1: '#1f77b4', D_real: '#2ca02c', D_fake: '#ff7f0e' };
  if (history.length < 2) return '<p>Not enough iterations yet for a chart.</p>';
  const maxStep = history[history.length - 1].step || 1;
  const charts = LOSS_NAMES.map((name) => {
    const values = history.map((h) => h[name]);
    const max = Math.max(...values, 1e-6);
    const pts = history.map((h) => `${((h.step / maxStep) * (W - 40) + 30).toFixed(1)},${(H - 20 - (h[name] / max) * (H - 40)).toFixed(1)}`);
    return `<figure><figcaption>${name} (max ${max.toFixed(3)}, last ${values[values.length - 1].toFixed(3)})</figcaption>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${name} loss over iterations">
<line x1="30" y1="${H - 20}" x2="${W - 10}" y2="${H - 20}" stroke="#999"/><line x1="30" y1="10" x2="30" y2="${H - 20}" stroke="#999"/>
<polyline fill="none" stroke="${colors[name]}" stroke-width="1.5" points="${pts.join(' ')}"/>
<text x="${W - 10}" y="${H - 4}" text-anchor="end" font-size="11">step ${maxStep}</text></svg></figure>`;
  });
  return charts.join('\n');
}

export async function writeReport(runDir: string, title: string, history: LossRecord[], meta: Record<string, unknown>): Promise<void> {
  const samples = (await fs.readdir(path.join(runDir, SAMPLES_DIR)).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.png'))
    .sort()
    .reverse();
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}figure{margin:1rem 0}img{image-rendering:pixelated;max-width:100%}
table{border-collapse:collapse}td{padding:2px 8px;border-bottom:1px solid #eee;font-family:monospace}</style></head><body>
<h1>${escape(title)}</h1>
<table>${Object.entries(meta).map(([k, v]) => `<tr><td>${escape(k)}</td><td>${escape(String(v))}</td></tr>`).join('')}</table>
<h2>Losses</h2>${lossChart(history)}
<h2>Samples (input | output | target), newest first</h2>
${samples.map((f) => `<figure><figcaption>${escape(f)}</figcaption><img src="${SAMPLES_DIR}/${encodeURIComponent(f)}" alt="${escape(f)}"></figure>`).join('\n')}
</body></html>`;
  await writeFileAtomic(path.join(runDir, 'report.html'), html);
}
