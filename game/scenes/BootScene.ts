import Phaser from 'phaser';
import { h, mountScreen } from '../ui/dom';
import { fetchThemeIndex, indexUrlFromLocation } from '../ui/themeIndex';
import { app, backdrop, describeError, go } from './app';
import { SCENES } from './BackdropScene';

const BAR = { maxWidth: 420, height: 18, radius: 9 };

/**
 * Boot: reads the theme list and opens the menu at once; the first theme that
 * works (weights, model build) loads in the background and its menu card shows
 * the progress. A theme that fails is marked broken with its reason and the
 * next one is tried.
 */
export class BootScene extends Phaser.Scene {
  private bar!: Phaser.GameObjects.Graphics;
  private title!: Phaser.GameObjects.Text;
  private label!: Phaser.GameObjects.Text;
  private fraction = 0;
  private progressEl!: HTMLElement;
  private statusEl!: HTMLElement;
  private errorsEl!: HTMLElement;

  constructor() {
    super(SCENES.boot);
  }

  create(): void {
    this.scene.launch(SCENES.backdrop);
    this.scene.bringToTop();
    this.bar = this.add.graphics();
    const font = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    this.title = this.add.text(0, 0, 'doodle2photo', { fontFamily: font, fontSize: '40px', fontStyle: 'bold', color: '#1d2433' }).setOrigin(0.5, 1);
    this.label = this.add.text(0, 0, 'Reading the theme list…', { fontFamily: font, fontSize: '15px', color: '#6b7385', align: 'center' }).setOrigin(0.5, 0);
    this.progressEl = h('div', {
      role: 'progressbar', 'aria-label': 'Loading', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
      class: 'sr-only', 'data-testid': 'boot-progress',
    });
    this.statusEl = h('div', { class: 'sr-only', role: 'status', text: 'Reading the theme list…' });
    this.errorsEl = h('div', { class: 'errors' });
    const unmount = mountScreen(h('section', { class: 'boot', 'aria-label': 'Loading doodle2photo' }, this.progressEl, this.statusEl, this.errorsEl));
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, unmount);
    this.scale.on(Phaser.Scale.Events.RESIZE, this.drawBar, this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.scale.off(Phaser.Scale.Events.RESIZE, this.drawBar, this));
    this.drawBar();
    void this.run();
  }

  private setProgress(fraction: number, status?: string): void {
    this.fraction = Math.max(this.fraction, Math.min(1, fraction));
    this.progressEl.setAttribute('aria-valuenow', String(Math.round(this.fraction * 100)));
    if (status) {
      this.statusEl.textContent = status;
      this.label.setText(status);
    }
    this.drawBar();
    backdrop(this)?.wakeFor(300); // the bar is drawn by Phaser: keep the loop running while it moves
  }

  private drawBar(): void {
    const { width, height } = this.scale;
    const w = Math.min(BAR.maxWidth, width - 48);
    const x = (width - w) / 2;
    const y = height * 0.5;
    this.title.setPosition(width / 2, y - 28).setFontSize(Math.min(40, width / 9));
    this.label.setPosition(width / 2, y + BAR.height + 14).setWordWrapWidth(w);
    this.bar.clear();
    this.bar.fillStyle(0x1d2433, 0.12).fillRoundedRect(x, y, w, BAR.height, BAR.radius);
    if (this.fraction > 0) {
      this.bar.fillStyle(0xff7a45, 1).fillRoundedRect(x, y, Math.max(BAR.height, w * this.fraction), BAR.height, BAR.radius);
    }
    this.bar.lineStyle(2, 0x1d2433, 1).strokeRoundedRect(x, y, w, BAR.height, BAR.radius);
  }

  private async run(): Promise<void> {
    const indexUrl = indexUrlFromLocation(window.location);
    try {
      app.index = await fetchThemeIndex(indexUrl);
      app.index.problems.forEach((p) => this.errorsEl.append(h('div', { text: p })));
    } catch (err) {
      app.indexError = describeError(err);
      this.errorsEl.append(h('div', { text: app.indexError }));
    }
    // The menu shows as soon as the theme list is read; the first theme (weights, model
    // build) loads behind it once the menu is painted, and its card shows the progress.
    this.setProgress(1, 'Ready');
    backdrop(this)?.setAnimated(true);
    go(this, SCENES.menu);
  }
}
