/**
 * The widget's stylesheet, scoped by its Shadow DOM. `all: initial` on the
 * host stops the page's inherited styles (fonts, colours, line height) from
 * leaking in; nothing here can leak out.
 */
export const WIDGET_CSS = `
:host {
  all: initial;
  display: inline-block;
  box-sizing: border-box;
  contain: layout paint style;
  font: 13px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d1d1f;
  --dp-side: 256px;
  --dp-accent: #2f6fec;
  --dp-border: #d4d4d8;
  vertical-align: top;
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
.root {
  /* Set again inside: page rules like \`* { color: red !important }\` reach the host, never the shadow tree. */
  font: 13px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; text-align: left;
  display: grid; gap: 8px; grid-template-columns: var(--dp-side) var(--dp-side); position: relative; }
.root[data-layout="stacked"] { grid-template-columns: var(--dp-side); }
.root[data-layout="photo-only"] { grid-template-columns: var(--dp-side); }
.pane {
  position: relative; width: var(--dp-side); height: var(--dp-side);
  border: 1px solid var(--dp-border); border-radius: 6px; overflow: hidden; background: #fff;
}
canvas { display: block; width: 100%; height: 100%; }
canvas.input { cursor: crosshair; touch-action: none; }
.root[data-layout="photo-only"] .draw { border-color: transparent; background: transparent; z-index: 1; }
.root[data-layout="photo-only"] .draw canvas.input { opacity: 0.35; mix-blend-mode: multiply; }
.root[data-layout="photo-only"] .photo { grid-row: 1; grid-column: 1; }
.root[data-layout="photo-only"] .draw { grid-row: 1; grid-column: 1; }
.toolbar { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 2px; min-height: 28px; align-items: center; }
:host([toolbar="none"]) .toolbar { display: none; }
.toolbar .colours { display: inline-flex; gap: 2px; align-items: center; }
.toolbar .colours[hidden] { display: none; }
.toolbar .colours button { width: 20px; min-width: 20px; height: 20px; padding: 0; border-radius: 50%; border: 2px solid #fff; box-shadow: 0 0 0 1px #888; }
.toolbar .colours button[aria-pressed="true"] { box-shadow: 0 0 0 2px #222; }
.toolbar .colours input[type=color] { width: 24px; height: 22px; padding: 0; border: none; background: none; }
button {
  all: unset; box-sizing: border-box; cursor: pointer; min-width: 28px; height: 28px; padding: 0 6px; border-radius: 4px;
  text-align: center; font: inherit; color: inherit;
}
button:hover { background: #eef2ff; }
button:focus-visible { outline: 2px solid var(--dp-accent); outline-offset: 1px; }
button[aria-pressed="true"] { background: var(--dp-accent); color: #fff; }
button:disabled { opacity: 0.4; cursor: default; }
.status {
  position: absolute; right: 4px; bottom: 4px; z-index: 2; padding: 1px 6px; border-radius: 4px;
  background: rgba(0,0,0,0.55); color: #fff; font-size: 11px; pointer-events: none;
}
.status:empty { display: none; }
.message {
  position: absolute; inset: 0; z-index: 3; display: flex; flex-direction: column; gap: 10px; align-items: center; justify-content: center;
  padding: 12px; text-align: center; background: rgba(255,255,255,0.96); color: #9f1239; overflow: auto;
  word-break: break-word; border-radius: 6px;
}
.message[hidden] { display: none; }
.message .actions { display: flex; gap: 6px; }
.message button { border: 1px solid var(--dp-border); background: #fff; color: #1d1d1f; padding: 0 12px; }
/* No working theme: the drawing takes no strokes (they could not become photos). */
.root[data-state="failed"] canvas.input { pointer-events: none; }
.root[data-state="failed"] .toolbar { visibility: hidden; }
`;
