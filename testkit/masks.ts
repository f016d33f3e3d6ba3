/** Lengths of the vertical runs of set pixels in column x. */
export function columnRuns(mask: Uint8Array, w: number, h: number, x: number): number[] {
  const runs: number[] = [];
  let run = 0;
  for (let y = 0; y <= h; y++) {
    if (y < h && mask[y * w + x]) run++;
    else if (run) { runs.push(run); run = 0; }
  }
  return runs;
}
