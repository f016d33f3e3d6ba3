/** The small HUD: which backend runs the model and how long the last photo took. */
import { h } from './dom';

export type HudState = 'loading' | 'ready' | 'busy' | 'error';

export interface Hud {
  el: HTMLElement;
  setBackend(backend: string | null, reason?: string): void;
  setLatency(ms: number | null): void;
  setState(state: HudState, note?: string): void;
}

export function createHud(): Hud {
  const backendEl = h('span', { class: 'backend', 'data-testid': 'hud-backend', text: '…' });
  const latencyEl = h('span', { class: 'latency', 'data-testid': 'hud-latency', text: '– ms' });
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  const el = h('div', { class: 'hud', role: 'status', 'aria-label': 'model status', 'data-state': 'loading', 'data-testid': 'hud' }, dot, backendEl, latencyEl);
  return {
    el,
    setBackend(backend, reason) {
      backendEl.textContent = backend ?? '…';
      el.title = reason ? `backend: ${backend} (${reason})` : `backend: ${backend ?? 'starting'}`;
    },
    setLatency(ms) {
      latencyEl.textContent = ms === null ? '– ms' : `${Math.round(ms)} ms`;
      if (ms !== null) el.dataset.latency = String(Math.round(ms));
    },
    setState(state, note) {
      el.dataset.state = state;
      if (note) el.title = note;
    },
  };
}
