/**
 * Challenge scoring: similarity → stars and points, and the best results per
 * theme and level kept in localStorage. Pure logic, no DOM, so it is unit-tested.
 */

/** Fractions of par (a score of 1 in the Challenge, ui/challengeScore) needed for 1, 2 and 3 stars. */
export const STAR_FRACTIONS = [0.5, 0.75, 0.9] as const;
/** Seconds a level lasts. */
export const LEVEL_SECONDS = 90;
/** Points for reaching par exactly; time left adds TIME_BONUS per second. */
export const PAR_POINTS = 1000;
export const TIME_BONUS = 5;
/** Similarity relative to par, in [0, 1]. */
export function relativeScore(similarity: number, par: number): number {
  if (!Number.isFinite(similarity) || similarity <= 0) return 0;
  return Math.min(1, similarity / par);
}

/** 0–3 stars for a similarity. */
export function starsFor(similarity: number, par: number): number {
  const r = relativeScore(similarity, par);
  return STAR_FRACTIONS.filter((f) => r >= f).length;
}

/** Points: relative similarity scaled to PAR_POINTS, plus a bonus for the seconds left when at least one star was earned. */
export function pointsFor(similarity: number, par: number, secondsLeft: number): number {
  const base = Math.round(PAR_POINTS * relativeScore(similarity, par));
  const bonus = starsFor(similarity, par) > 0 ? Math.max(0, Math.round(secondsLeft)) * TIME_BONUS : 0;
  return base + bonus;
}

export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface LevelResult {
  points: number;
  stars: number;
  similarity: number;
}

type Table = Record<string, Record<string, LevelResult>>;

/** Minimal Storage surface, so tests can pass a Map-backed fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const BEST_KEY = 'doodle2photo.best.v1';

export class BestScores {
  constructor(private readonly store: KeyValueStore | null) {}

  private read(): Table {
    try {
      const raw = this.store?.getItem(BEST_KEY);
      const parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === 'object' ? (parsed as Table) : {};
    } catch {
      return {}; // corrupt or blocked storage must never break the game
    }
  }

  get(theme: string, level: number): LevelResult | undefined {
    return this.read()[theme]?.[String(level)];
  }

  /** Records a result; returns true when it beats the stored best (by points). */
  submit(theme: string, level: number, result: LevelResult): boolean {
    const table = this.read();
    const previous = table[theme]?.[String(level)];
    if (previous && previous.points >= result.points) return false;
    table[theme] = { ...table[theme], [String(level)]: result };
    try {
      this.store?.setItem(BEST_KEY, JSON.stringify(table));
    } catch {
      // quota or privacy mode: the result still counts for this session
    }
    return true;
  }

  /** Total stars earned in a theme (shown on the menu cards). */
  totalStars(theme: string): number {
    return Object.values(this.read()[theme] ?? {}).reduce((sum, r) => sum + (r.stars | 0), 0);
  }
}

/** localStorage when the page may use it, otherwise null (storage disabled). */
export function browserStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
