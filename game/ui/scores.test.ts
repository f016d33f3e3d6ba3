import { describe, expect, it } from 'vitest';
import { BEST_KEY, BestScores, formatClock, pointsFor, starsFor, type KeyValueStore } from './scores';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('challenge scoring', () => {
  it('gives 0–3 stars by fraction of par', () => {
    expect(starsFor(0, 0.5)).toBe(0);
    expect(starsFor(0.24, 0.5)).toBe(0);
    expect(starsFor(0.25, 0.5)).toBe(1);
    expect(starsFor(0.38, 0.5)).toBe(2);
    expect(starsFor(0.45, 0.5)).toBe(3);
    expect(starsFor(0.9, 0.5)).toBe(3);
    expect(starsFor(Number.NaN, 0.5)).toBe(0);
  });

  it('adds a time bonus only when a star was earned', () => {
    expect(pointsFor(0.5, 0.5, 10)).toBe(1000 + 50);
    expect(pointsFor(0.1, 0.5, 60)).toBe(200);
  });

  it('formats the clock', () => {
    expect(formatClock(90)).toBe('1:30');
    expect(formatClock(0.2)).toBe('0:01');
    expect(formatClock(-3)).toBe('0:00');
  });
});

describe('BestScores', () => {
  it('keeps the best result per theme and level', () => {
    const store = memoryStore();
    const best = new BestScores(store);
    expect(best.submit('shoes', 0, { points: 500, stars: 1, similarity: 0.3 })).toBe(true);
    expect(best.submit('shoes', 0, { points: 400, stars: 1, similarity: 0.2 })).toBe(false);
    expect(best.submit('shoes', 1, { points: 900, stars: 3, similarity: 0.5 })).toBe(true);
    expect(best.get('shoes', 0)?.points).toBe(500);
    expect(best.totalStars('shoes')).toBe(4);
    expect(new BestScores(store).get('shoes', 1)?.stars).toBe(3); // persisted
  });

  it('survives corrupt or missing storage', () => {
    const store = memoryStore();
    store.data.set(BEST_KEY, '{not json');
    const best = new BestScores(store);
    expect(best.get('x', 0)).toBeUndefined();
    expect(best.submit('x', 0, { points: 1, stars: 0, similarity: 0 })).toBe(true);
    const none = new BestScores(null);
    expect(none.submit('x', 0, { points: 1, stars: 0, similarity: 0 })).toBe(true);
    expect(none.get('x', 0)).toBeUndefined();
  });
});
