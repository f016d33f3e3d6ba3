/**
 * Colour dabs a player puts on a doodle ("this shoe is blue"), as the game, the widget and
 * `translate --hints` take them: discs of colour in the drawing's pixels, checked here and placed
 * into the photo's frame by the doodle framing. shared/regionColour applies them to the photo
 * after the generator. (The name is the learned hint channel's, which this replaced: hints are
 * no longer a generator input.) Pure functions: no DOM, no Node.
 */
import { BadInputError } from './errors';

/** One dab: a disc of colour. x, y, radius in pixels of the image it belongs to; rgb 0–255. */
export interface ColourHint {
  x: number;
  y: number;
  radius: number;
  rgb: [number, number, number];
}

export class HintError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'HintError';
  }
}

/** Throws a HintError naming the first malformed hint (user input from the widget API or a JSON file). */
export function checkHints(hints: unknown, where = 'hints'): ColourHint[] {
  if (!Array.isArray(hints)) throw new HintError(`${where} must be a list of {x, y, radius, rgb: [r, g, b]}`);
  if (hints.length > 10_000) throw new HintError(`${where}: ${hints.length} hints is too many (at most 10000)`);
  hints.forEach((h, i) => {
    const ok = typeof h === 'object' && h !== null
      && [h.x, h.y, h.radius].every((v) => typeof v === 'number' && Number.isFinite(v))
      && h.radius > 0
      && Array.isArray(h.rgb) && h.rgb.length === 3 && h.rgb.every((v: unknown) => typeof v === 'number' && v >= 0 && v <= 255);
    if (!ok) throw new HintError(`${where}[${i}] is not {x, y, radius > 0, rgb: [r, g, b] with 0–255}: ${JSON.stringify(h)}`);
  });
  return hints as ColourHint[];
}

/**
 * How a drawing was placed in the model input (normalizeDoodle's framing, or
 * a letterbox), in continuous pixel coordinates: model = (drawing − c) · scale + o.
 */
export interface Framing {
  cx: number;
  cy: number;
  scale: number;
  ox: number;
  oy: number;
}

/** The letterbox placement of a w×h drawing in a size×size input (scaled to fit, centred). */
export function letterboxFraming(w: number, h: number, size: number): Framing {
  const scale = size / Math.max(w, h);
  return { cx: w / 2, cy: h / 2, scale, ox: size / 2, oy: size / 2 };
}

/** Dabs in drawing pixels → model pixels (the photo's frame), placed as the drawing was. */
export function placeDabs(hints: readonly ColourHint[], framing: Framing): ColourHint[] {
  return hints.map((h) => ({
    x: (h.x - framing.cx) * framing.scale + framing.ox,
    y: (h.y - framing.cy) * framing.scale + framing.oy,
    radius: h.radius * framing.scale,
    rgb: h.rgb,
  }));
}
