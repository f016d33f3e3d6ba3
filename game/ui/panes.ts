/**
 * The panes a drawing screen shows: the doodle surface the player draws on,
 * the photo the model makes of it, and (Challenge) a target photo. Each pane
 * is a square that follows the layout; canvases are kept at CSS size × device
 * pixel ratio so lines stay crisp on phones.
 */
import { h } from './dom';

export interface Pane {
  el: HTMLElement;
  surface: HTMLElement;
  title: HTMLElement;
  /** Shows a message over the surface (null hides it); `error` styles it as a failure. */
  say(message: string | null, kind?: 'info' | 'error'): void;
}

export function pane(titleText: string, testid: string, extraClass = ''): Pane {
  const title = h('h2', {}, h('span', { text: titleText }));
  const overlay = h('div', { class: 'overlay', hidden: true, 'data-testid': `${testid}-message` });
  const surface = h('div', { class: `surface ${extraClass}`.trim(), 'data-testid': testid }, overlay);
  // The surface sits in a box the layout sizes; the surface is the largest square that box holds (styles.css).
  const el = h('section', { class: 'pane', 'aria-label': titleText }, title, h('div', { class: 'fit' }, surface));
  return {
    el,
    surface,
    title,
    say(message, kind = 'info') {
      overlay.hidden = message === null;
      overlay.textContent = message ?? '';
      overlay.classList.toggle('error', kind === 'error');
      overlay.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    },
  };
}

/** A canvas filling a surface, resized to its CSS box × devicePixelRatio; calls onResize after each change. */
export function fillCanvas(surface: HTMLElement, label: string, onResize: (canvas: HTMLCanvasElement) => void): { canvas: HTMLCanvasElement; dispose(): void } {
  const canvas = h('canvas', { 'aria-label': label, role: 'img' });
  surface.prepend(canvas);
  const fit = () => {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const side = Math.max(1, Math.round(surface.clientWidth * dpr));
    if (canvas.width === side && canvas.height === side) return;
    canvas.width = canvas.height = side;
    onResize(canvas);
  };
  const observer = new ResizeObserver(fit);
  observer.observe(surface);
  fit();
  return { canvas, dispose: () => observer.disconnect() };
}

/** Briefly outlines a surface (a new photo arrived). */
export function flash(surface: HTMLElement): void {
  surface.classList.remove('flash');
  void surface.offsetWidth; // restart the animation
  surface.classList.add('flash');
}

/** Downloads a blob under a file name. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

