/**
 * The drawing toolbar: real, focusable HTML buttons with labels (keyboard and
 * screen readers) and 44 px touch targets, plus the keyboard shortcuts
 * Ctrl/⌘+Z (undo), Ctrl/⌘+Shift+Z or Ctrl+Y (redo), P/E (pen/eraser), [ and ] (width).
 */
import { h, isTyping } from './dom';
import { icon, type IconName } from './icons';
import { play } from './sound';

export type ToolName = 'pen' | 'eraser' | 'colour';
export type Rgb = [number, number, number];

/** The colour tool's palette (the free picker offers any other colour). */
export const PALETTE: { name: string; rgb: Rgb }[] = [
  { name: 'red', rgb: [214, 40, 40] }, { name: 'blue', rgb: [40, 90, 210] }, { name: 'yellow', rgb: [245, 200, 40] },
  { name: 'green', rgb: [50, 150, 70] }, { name: 'pink', rgb: [235, 120, 180] }, { name: 'brown', rgb: [130, 80, 40] },
  { name: 'black', rgb: [25, 25, 25] }, { name: 'white', rgb: [248, 248, 245] },
];

const hex = (rgb: Rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const fromHex = (s: string): Rgb => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)) as Rgb;

export interface ToolbarActions {
  tool(tool: ToolName): void;
  /** Picks the colour tool's colour (and the colour tool). */
  colour?(rgb: Rgb): void;
  width(size: number): void;
  undo(): void;
  redo(): void;
  clear(): void;
}

export interface ToolbarOptions {
  actions: ToolbarActions;
  width: { min: number; max: number; value: number };
  /** Extra buttons appended after the standard ones (example, save, done…). */
  extras?: HTMLElement[];
}

export interface ToolbarState {
  tool: ToolName;
  /** Whether the colour tool is offered (the theme takes colour hints). */
  colours: boolean;
  colour: Rgb;
  width: number;
  canUndo: boolean;
  canRedo: boolean;
  canClear: boolean;
}

export interface Toolbar {
  el: HTMLElement;
  update(state: Partial<ToolbarState>): void;
  /** Installs the keyboard shortcuts on the document; returns the remover. */
  bindShortcuts(): () => void;
}

/** A labelled toolbar button: icon always, text hidden on phones, the name always in aria-label. */
export function toolButton(iconName: IconName, label: string, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', 'aria-label': label, title: extra.title ?? label, ...extra, onclick: () => { play('tap'); onClick(); } },
    icon(iconName),
    h('span', { class: 'text', text: label }),
  );
}

export function createToolbar(opts: ToolbarOptions): Toolbar {
  const { actions } = opts;
  const pen = toolButton('pen', 'Pen', () => actions.tool('pen'), { 'aria-pressed': 'true', 'aria-keyshortcuts': 'P', title: 'Pen (P)', 'data-testid': 'tool-pen' });
  const eraser = toolButton('eraser', 'Eraser', () => actions.tool('eraser'), { 'aria-pressed': 'false', 'aria-keyshortcuts': 'E', title: 'Eraser (E)', 'data-testid': 'tool-eraser' });
  const range = h('input', {
    type: 'range', min: opts.width.min, max: opts.width.max, step: 1, value: opts.width.value,
    'aria-label': 'Brush width', 'data-testid': 'brush-width',
  });
  const widthOut = h('output', { text: String(opts.width.value), 'aria-hidden': 'true' });
  range.addEventListener('input', () => {
    widthOut.textContent = range.value;
    actions.width(Number(range.value));
  });
  const widthLabel = h('label', { class: 'width', title: 'Brush width ([ and ])' }, h('span', { class: 'text', text: 'Width' }), range, widthOut);
  const undo = toolButton('undo', 'Undo', actions.undo, { 'aria-keyshortcuts': 'Control+Z', title: 'Undo (Ctrl+Z)', 'data-testid': 'undo' });
  const redo = toolButton('redo', 'Redo', actions.redo, { 'aria-keyshortcuts': 'Control+Shift+Z', title: 'Redo (Ctrl+Shift+Z)', 'data-testid': 'redo' });
  const clear = toolButton('trash', 'Clear', actions.clear, { 'data-testid': 'clear' });
  const pickColour = (rgb: Rgb) => (actions.colour ? actions.colour(rgb) : actions.tool('colour'));
  const colourTool = toolButton('palette', 'Colour', () => actions.tool('colour'), { 'aria-pressed': 'false', 'aria-keyshortcuts': 'C', title: 'Colour: dab the colour the photo should have (C)', 'data-testid': 'tool-colour' });
  const swatches = PALETTE.map(({ name, rgb }) => h('button', {
    type: 'button', class: 'swatch', 'aria-label': `Colour ${name}`, title: name, 'data-testid': `swatch-${name}`, style: `background:${hex(rgb)}`,
    onclick: () => { play('tap'); pickColour(rgb); },
  }));
  const picker = h('input', { type: 'color', value: hex(PALETTE[0].rgb), 'aria-label': 'Any colour', title: 'Any colour', 'data-testid': 'colour-picker' }) as HTMLInputElement;
  picker.addEventListener('input', () => pickColour(fromHex(picker.value)));
  const colourGroup = h('div', { class: 'group colours', 'data-testid': 'colour-tools' }, colourTool, ...swatches, picker);

  const el = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Drawing tools' },
    h('div', { class: 'group' }, pen, eraser, widthLabel),
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    colourGroup,
    h('div', { class: 'group' }, undo, redo, clear),
    ...(opts.extras?.length ? [h('span', { class: 'sep', 'aria-hidden': 'true' }), h('div', { class: 'group' }, ...opts.extras)] : []),
  );

  const state: ToolbarState = { tool: 'pen', colours: false, colour: PALETTE[0].rgb, width: opts.width.value, canUndo: false, canRedo: false, canClear: false };
  const setWidth = (v: number) => {
    const clamped = Math.max(opts.width.min, Math.min(opts.width.max, v));
    range.value = String(clamped);
    widthOut.textContent = String(clamped);
    actions.width(clamped);
  };

  return {
    el,
    update(next) {
      Object.assign(state, next);
      pen.setAttribute('aria-pressed', String(state.tool === 'pen'));
      eraser.setAttribute('aria-pressed', String(state.tool === 'eraser'));
      colourTool.setAttribute('aria-pressed', String(state.tool === 'colour'));
      colourGroup.hidden = !state.colours;
      colourTool.style.color = hex(state.colour);
      swatches.forEach((b, i) => b.setAttribute('aria-pressed', String(state.tool === 'colour' && hex(PALETTE[i].rgb) === hex(state.colour))));
      range.value = String(state.width);
      widthOut.textContent = String(state.width);
      undo.disabled = !state.canUndo;
      redo.disabled = !state.canRedo;
      clear.disabled = !state.canClear;
    },
    bindShortcuts() {
      const onKey = (e: KeyboardEvent) => {
        if (isTyping(e)) return;
        const mod = e.ctrlKey || e.metaKey;
        const key = e.key.toLowerCase();
        if (mod && key === 'z') {
          e.preventDefault();
          if (e.shiftKey) actions.redo();
          else actions.undo();
        } else if (mod && key === 'y') {
          e.preventDefault();
          actions.redo();
        } else if (!mod && !e.altKey) {
          if (key === 'p') actions.tool('pen');
          else if (key === 'e') actions.tool('eraser');
          else if (key === 'c' && state.colours) actions.tool('colour');
          else if (key === '[') setWidth(state.width - 1);
          else if (key === ']') setWidth(state.width + 1);
        }
      };
      document.addEventListener('keydown', onKey);
      return () => document.removeEventListener('keydown', onKey);
    },
  };
}
