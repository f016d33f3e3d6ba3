/** Tiny DOM builder for the scene overlays: accessible HTML controls without a framework. */
type Attrs = Record<string, string | number | boolean | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The overlay root every scene mounts into. */
export function uiRoot(): HTMLElement {
  const root = document.getElementById('ui');
  if (!root) throw new Error('index.html is missing <main id="ui">');
  return root;
}

/** Mounts a screen, replacing whatever the previous scene left; returns an unmount function. */
export function mountScreen(screen: HTMLElement): () => void {
  const root = uiRoot();
  root.replaceChildren(screen);
  root.scrollTop = 0;
  return () => {
    if (screen.parentElement === root) screen.remove();
  };
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
/** A short message announced to screen readers (role=status) and shown at the bottom. */
export function toast(message: string, ms = 3500): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), ms);
}

/** True when a key event comes from a text field, where shortcuts must not fire. */
export function isTyping(event: KeyboardEvent): boolean {
  const t = event.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' && (t as HTMLInputElement).type === 'text' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}
