import Phaser from 'phaser';
import type { LiveCanvas } from '../live';
import { download, pane } from '../ui/panes';
import { h, mountScreen, toast } from '../ui/dom';
import { createHud } from '../ui/hud';
import { icon } from '../ui/icons';
import { isMuted, play, setMuted } from '../ui/sound';
import { toolButton } from '../ui/toolbar';
import { app, backdrop, describeError, entryByName, go, themeState } from './app';
import { SCENES } from './BackdropScene';
import { bindLive, createLive } from './liveBinding';
import { ensureTheme } from './session';

/** The Studio keeps its drawing between visits: one LiveCanvas for the page's lifetime. */
let studioLive: LiveCanvas | null = null;
let studioTheme: string | null = null;
let exampleIndex = 0;

/** Studio: free drawing with every tool, theme switch, gallery examples and saving the pair. */
export class StudioScene extends Phaser.Scene {
  constructor() {
    super(SCENES.studio);
  }

  create(data: { theme?: string }): void {
    backdrop(this)?.setAnimated(false);
    const themeName = data.theme ?? studioTheme ?? app.index?.themes[0]?.name ?? null;
    studioLive ??= createLive();
    const live = studioLive;

    const hud = createHud();
    const drawPane = pane('Your doodle', 'doodle');
    const photoPane = pane('Photo', 'photo');
    drawPane.el.classList.add('draw-pane');
    photoPane.el.classList.add('photo-pane');
    const select = h('select', { 'aria-label': 'Theme', 'data-testid': 'theme-select' });
    for (const t of app.index?.themes ?? []) {
      const broken = themeState(t.name).state === 'error';
      select.append(h('option', { value: t.name, text: broken ? `${t.title} (failed to load)` : t.title }));
    }
    const example = toolButton('image', 'Example', () => void this.loadExample(live), { 'data-testid': 'example', title: 'Load an example doodle from this theme' });
    const save = toolButton('save', 'Save', () => void this.save(live), { 'data-testid': 'save', title: 'Save the doodle and its photo side by side as a PNG' });
    const mute = toolButton(isMuted() ? 'mute' : 'sound', 'Sound', () => {
      setMuted(!isMuted());
      mute.setAttribute('aria-pressed', String(!isMuted()));
      mute.querySelector('.icon')?.replaceWith(icon(isMuted() ? 'mute' : 'sound'));
    }, { 'aria-pressed': String(!isMuted()) });
    const back = toolButton('back', 'Menu', () => go(this, SCENES.menu), { 'data-testid': 'back' });

    const binding = bindLive(live, { hud, drawPane, photoPane, extras: [example, save] });
    const screen = h(
      'section',
      { class: 'screen studio', 'aria-label': 'Studio' },
      h('header', { class: 'topbar' }, back, h('h1', { class: 'hide-phone', text: 'Studio' }), h('label', {}, h('span', { class: 'sr-only', text: 'Theme' }), select), mute, hud.el),
      h('div', { class: 'board studio' }, drawPane.el, photoPane.el),
      binding.toolbar.el,
    );
    const unmount = mountScreen(screen);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      binding.unbind();
      unmount();
    });

    const updateButtons = () => {
      const s = studioTheme ? themeState(studioTheme) : null;
      const gallery = s?.state === 'ready' ? s.detail.gallery : [];
      example.disabled = gallery.length === 0;
      example.title = gallery.length ? `Load one of ${gallery.length} example doodles from this theme` : 'This theme has no examples';
    };
    save.disabled = !live.lastPhoto;
    const offPhoto = live.on('photo', () => (save.disabled = false));
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, offPhoto);

    const switchTheme = async (name: string | null) => {
      const entry = entryByName(name);
      if (!entry) {
        photoPane.say(app.indexError ?? 'No theme is available.', 'error');
        return;
      }
      select.value = entry.name;
      select.disabled = true;
      try {
        const detail = await ensureTheme(entry, (f, label) => photoPane.say(`${label} ${Math.round(f * 100)}%`));
        if (!screen.isConnected) return;
        const info = await live.setTheme(detail.url);
        if (info) studioTheme = entry.name;
      } catch (err) {
        play('fail');
        const why = `${entry.title} could not be loaded: ${describeError(err)}`;
        photoPane.say(why, 'error');
        toast(why);
        const option = [...select.options].find((o) => o.value === entry.name);
        if (option) option.textContent = `${entry.title} (failed to load)`;
        if (studioTheme) select.value = studioTheme; // the previous theme keeps working
      } finally {
        select.disabled = false;
        updateButtons();
      }
    };
    select.addEventListener('change', () => void switchTheme(select.value));
    updateButtons();
    if (themeName !== studioTheme || !live.currentTheme) void switchTheme(themeName);
    else select.value = themeName ?? '';
  }

  private async loadExample(live: LiveCanvas): Promise<void> {
    const s = studioTheme ? themeState(studioTheme) : null;
    if (s?.state !== 'ready' || s.detail.gallery.length === 0) return;
    const item = s.detail.gallery[exampleIndex++ % s.detail.gallery.length];
    await live.loadDoodle(item.edges);
  }

  private async save(live: LiveCanvas): Promise<void> {
    try {
      const blob = await live.toBlob('pair');
      if (!blob) {
        toast('Nothing to save yet: draw something first.');
        return;
      }
      download(blob, `doodle2photo-${studioTheme ?? 'photo'}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
      toast('Saved doodle | photo as PNG');
    } catch (err) {
      toast(`Saving failed: ${describeError(err)}`);
    }
  }
}
