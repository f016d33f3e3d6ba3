/**
 * Fixtures for the colour tool's tests (shared/doodleRegions, photoParts, regionColour): doodles drawn
 * as ink masks from polylines, and a synthetic "photo" of an object — shaded, textured, with a dark
 * seam and a specular highlight — on white paper, as a generator would make one.
 */

export type Point = [number, number];

/** Stamps a disc of `width` along each polyline into a w×h ink mask (1 = ink). */
export function drawInk(w: number, h: number, lines: Point[][], width = 3): Uint8Array {
  const ink = new Uint8Array(w * h);
  const r = width / 2;
  const stamp = (cx: number, cy: number) => {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) ink[y * w + x] = 1;
      }
    }
  };
  for (const line of lines) {
    if (line.length === 1) stamp(...line[0]);
    for (let k = 1; k < line.length; k++) {
      const [x0, y0] = line[k - 1], [x1, y1] = line[k];
      const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
      for (let s = 0; s <= steps; s++) stamp(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
    }
  }
  return ink;
}

/** A closed polygon as a polyline (first point repeated at the end), optionally leaving `gap` pixels open at the start. */
export function closed(points: Point[], gap = 0): Point[] {
  const line = [...points, points[0]];
  if (!gap) return line;
  const [a, b] = [line[0], line[1]];
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  return [[a[0] + ((b[0] - a[0]) * gap) / len, a[1] + ((b[1] - a[1]) * gap) / len], ...line.slice(1)];
}

/** A circle as a closed polyline of 64 points, leaving an arc of `gap` pixels open at angle 0. */
export function circle(cx: number, cy: number, r: number, gap = 0): Point[] {
  const skip = gap / r;
  const pts: Point[] = [];
  for (let k = 0; k <= 64; k++) {
    const a = skip / 2 + ((2 * Math.PI - skip) * k) / 64;
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return pts;
}

/** Whether (x, y) is inside a polygon (even-odd rule). */
export function insidePolygon(poly: Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export interface ObjectPhoto {
  /** RGB bytes, w×h. */
  rgb: Uint8Array;
  /** 1 where the object is. */
  object: Uint8Array;
  /** 1 on the dark seam, 1 on the highlight (both inside the object). */
  seam: Uint8Array;
  highlight: Uint8Array;
}

/**
 * A brown object filling `inside(x, y)` on white paper: lightness shaded across it (light from the
 * top left), a fine deterministic texture, a dark seam along `seamY` and a specular highlight at
 * `spot`; `colourAt` overrides the base colour per pixel (for objects of two materials).
 */
export function objectPhoto(
  w: number, h: number, inside: (x: number, y: number) => boolean,
  opts: { seamY?: number; spot?: Point; base?: [number, number, number]; colourAt?: (x: number, y: number) => [number, number, number] | null } = {},
): ObjectPhoto {
  const rgb = new Uint8Array(w * h * 3).fill(255);
  const object = new Uint8Array(w * h), seam = new Uint8Array(w * h), highlight = new Uint8Array(w * h);
  const base = opts.base ?? [120, 80, 50];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(x + 0.5, y + 0.5)) continue;
      const i = y * w + x;
      object[i] = 1;
      const colour = opts.colourAt?.(x, y) ?? base;
      const shade = 0.7 + 0.5 * (1 - (x + y) / (w + h)) + 0.08 * Math.sin(x * 1.7) * Math.cos(y * 1.3);
      let c = colour.map((v) => v * shade);
      if (opts.seamY !== undefined && Math.abs(y - opts.seamY) < 1.5) {
        c = c.map((v) => v * 0.25);
        seam[i] = 1;
      }
      if (opts.spot && Math.hypot(x - opts.spot[0], y - opts.spot[1]) < 4) {
        c = [245, 242, 238];
        highlight[i] = 1;
      }
      rgb.set(c.map((v) => Math.max(0, Math.min(255, Math.round(v)))), i * 3);
    }
  }
  return { rgb, object, seam, highlight };
}
