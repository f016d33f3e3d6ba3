import Phaser from 'phaser';
import { h, mountScreen, toast } from '../ui/dom';
import { play } from '../ui/sound';
import type { IndexedTheme } from '../../shared/themeIndex';
import { app, backdrop, describeError, go, onThemeState, themeState } from './app';
import { SCENES } from './BackdropScene';
import { ensureTheme, preloadFirstTheme, probeTheme } from './session';

type Mode = typeof SCENES.studio | typeof SCENES.challenge;

/** Menu: one card per theme with its preview, Studio and Challenge buttons, and any load error in the open. */
export class MenuScene extends Phaser.Scene {
  constructor() {
    super(SCENES.menu);
  }

  create(): void {
    backdrop(this)?.setAnimated(true);
    const cards = h('div', { class: 'cards', role: 'list' });
    for (const entry of app.index?.themes ?? []) cards.append(this.card(entry));
    const problems = [app.indexError, ...(app.index?.problems ?? [])].filter(Boolean) as string[];
    const screen = h(
      'section',
      { class: 'screen menu', 'aria-label': 'Choose a theme' },
      h('header', { class: 'hero' },
        h('h1', { text: 'doodle2photo' }),
        h('p', { text: 'Draw a doodle and watch every stroke turn into a photo. Pick a theme.' })),
      ...problems.map((p) => h('p', { class: 'hero err', role: 'alert', text: p })),
      (app.index?.themes.length ?? 0) === 0 && !app.indexError ? h('p', { class: 'hero', text: 'No themes are installed (assets/themes/index.json lists none).' }) : null,
      cards,
    );
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, mountScreen(screen));
    // The first theme starts loading once the menu is on screen (the model worker's parse must not delay it).
    requestAnimationFrame(() => setTimeout(() => void preloadFirstTheme(), 0));
    // Cards follow their theme's state (the first theme loads in the background after boot).
    const offThemes = onThemeState((name) => this.renders.get(name)?.());
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      offThemes();
      this.renders.clear();
    });
    (cards.querySelector('button:not(:disabled)') as HTMLButtonElement | null)?.focus();
  }

  /** Re-renders a card, by theme name. */
  private readonly renders = new Map<string, () => void>();

  private card(entry: IndexedTheme): HTMLElement {
    const status = h('div', { class: 'meta', 'data-testid': `theme-status-${entry.name}` });
    const progressFill = h('span', {});
    const progress = h('div', {
      class: 'progress', role: 'progressbar', 'aria-label': `Loading ${entry.title}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
      hidden: true, 'data-testid': `theme-progress-${entry.name}`,
    }, progressFill);
    const studio = h('button', { type: 'button', class: 'primary', 'data-testid': `open-studio-${entry.name}`, 'aria-label': `Draw freely with ${entry.title}` }, 'Studio');
    // Offered once theme.json says the theme has a gallery to play against (the probe below); a theme without one gets a note instead.
    const challenge = h('button', { type: 'button', 'data-testid': `open-challenge-${entry.name}`, 'aria-label': `Play the ${entry.title} challenge`, disabled: true, title: 'Checking for example photos…' }, 'Challenge');
    const actions = h('div', { class: 'actions' }, studio, challenge);
    const img = entry.preview
      ? h('img', { src: entry.preview, alt: `${entry.title} example photo`, loading: 'lazy' })
      : h('div', { class: 'noimg', text: 'no preview' });
    img.addEventListener('error', () => img.replaceWith(h('div', { class: 'noimg', text: 'no preview' })), { once: true });
    const stars = app.best.totalStars(entry.name);
    const card = h(
      'article',
      { class: 'card', role: 'listitem', 'data-theme': entry.name, 'aria-label': entry.title },
      img,
      h('strong', { text: entry.title }),
      entry.description ? h('div', { class: 'meta', text: entry.description }) : null,
      status,
      progress,
      stars ? h('div', { class: 'meta', text: `★ ${stars} earned in the challenge` }) : null,
      actions,
    );

    let declaredBytes: number | null = null;
    const showChallenge = (galleryCount: number | null) => {
      if (galleryCount === 0) {
        challenge.replaceWith(h('span', { class: 'no-challenge meta', 'data-testid': `no-challenge-${entry.name}`, text: 'No challenge: this theme has no example photos to match.' }));
        return;
      }
      challenge.disabled = false; // unknown (theme.json unreadable) stays offered: opening it says why it fails
      challenge.removeAttribute('title');
    };
    const render = () => {
      const s = themeState(entry.name);
      card.classList.toggle('broken', s.state === 'error');
      status.className = s.state === 'error' ? 'err' : 'meta';
      status.setAttribute('role', s.state === 'error' ? 'alert' : 'status');
      status.textContent =
        s.state === 'ready' ? `Ready · ${(s.detail.weightBytes / 1e6).toFixed(1)} MB model`
        : s.state === 'loading' ? `Loading… ${Math.round(s.fraction * 100)}%`
        : s.state === 'error' ? `Could not load: ${s.message}`
        : declaredBytes ? `${(declaredBytes / 1e6).toFixed(1)} MB model · loads when opened`
        : 'Loads when opened';
      card.setAttribute('aria-busy', String(s.state === 'loading'));
      progress.hidden = s.state !== 'loading' && s.state !== 'ready';
      const pct = s.state === 'ready' ? 100 : s.state === 'loading' ? Math.round(s.fraction * 100) : 0;
      if (progress.getAttribute('aria-valuenow') !== String(pct)) progress.setAttribute('aria-valuenow', String(pct));
      progressFill.style.width = `${pct}%`;
      if (s.state === 'ready') progress.hidden = true;
    };
    render();
    this.renders.set(entry.name, render);
    let galleryKnown = false;
    void probeTheme(entry, (count) => {
      galleryKnown = true;
      showChallenge(count);
    }).then((probe) => {
      declaredBytes = probe?.weightBytes ?? null;
      if (!galleryKnown) showChallenge(null);
      if (card.isConnected) render();
    });

    let opening = false;
    const open = async (mode: Mode) => {
      if (opening) return;
      opening = true;
      play('tap');
      try {
        await ensureTheme(entry, () => render());
      } catch (err) {
        render();
        play('fail');
        toast(`${entry.title} could not be loaded: ${describeError(err)}`);
        opening = false;
        return;
      }
      go(this, mode, { theme: entry.name });
    };
    studio.addEventListener('click', () => void open(SCENES.studio));
    challenge.addEventListener('click', () => void open(SCENES.challenge));
    return card;
  }
}
