import Phaser from 'phaser';
import { isSoftwareRenderer } from '../live/backendChoice';

/** Scene keys, one place. */
export const SCENES = {
  backdrop: 'backdrop',
  boot: 'boot',
  menu: 'menu',
  studio: 'studio',
  challenge: 'challenge',
} as const;

const PAPER = 0xf3efe6;
const INK_COLORS = [0xffb48f, 0x9fc7ff, 0xa6dfb9, 0xf5c6e8, 0xffe08a];
const SQUIGGLES = 14;
const STAR_TEXTURE = 'fx-star';

/**
 * Runs under every screen: the paper background with slowly drifting coloured
 * doodle squiggles, and star bursts for the Challenge.
 *
 * It also decides when Phaser renders at all. On the drawing screens nothing
 * on the stage moves, so the game loop is put to sleep and only woken for a
 * moment (scene change, resize, celebration): measured in headless Chromium
 * (SwiftShader), a running 1280×860 stage costs 150–300 ms of main thread per
 * frame and made drawing stutter; asleep, frames take 16 ms. With a software
 * WebGL renderer the backdrop never drifts, for the same reason.
 */
export class BackdropScene extends Phaser.Scene {
  private squiggles: Phaser.GameObjects.Graphics[] = [];
  private animated = true;
  private software = false;
  private sleepTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super(SCENES.backdrop);
  }

  create(): void {
    this.software = isSoftwareRenderer(stageRenderer(this.game));
    this.animated = this.animated && !this.software;
    this.cameras.main.setBackgroundColor(PAPER);
    this.makeStarTexture();
    const rng = new Phaser.Math.RandomDataGenerator(['doodle2photo']);
    for (let i = 0; i < SQUIGGLES; i++) this.squiggles.push(this.makeSquiggle(rng));
    this.scatter(rng);
    this.scale.on(Phaser.Scale.Events.RESIZE, () => this.scatter(rng));
    window.addEventListener('resize', () => this.wakeFor(400));
    // Phaser wakes its loop when the tab becomes visible again; put it back to sleep.
    this.game.events.on(Phaser.Core.Events.VISIBLE, () => this.wakeFor(400));
    this.wakeFor(400);
  }

  /** Drift on (menus) or frozen with the game loop asleep (drawing screens, software renderers). */
  setAnimated(on: boolean): void {
    this.animated = on && !this.software;
    if (this.animated) this.tweens.resumeAll();
    else this.tweens.pauseAll();
    this.wakeFor(400);
  }

  /** Runs the game loop for at least `ms` (a scene change or a burst to draw), then sleeps unless animated. */
  wakeFor(ms: number): void {
    clearTimeout(this.sleepTimer);
    this.game.loop.wake();
    if (this.animated) return;
    // A DOM timer: Phaser's own clock stops while the loop sleeps.
    this.sleepTimer = setTimeout(() => {
      if (!this.animated) this.game.loop.sleep();
    }, ms);
  }

  /** Starts a scene from any scene, waking the loop so the switch happens even while it sleeps. */
  go(from: Phaser.Scene, key: string, data?: object): void {
    this.wakeFor(600);
    if (from.scene.key === key) from.scene.restart(data);
    else from.scene.start(key, data);
  }

  /** A burst of `count` stars at a page position (CSS px), drawn above the HTML for a moment. */
  celebrate(x: number, y: number, count: number): void {
    const stage = document.getElementById('stage');
    stage?.classList.add('front');
    this.squiggles.forEach((g) => g.setVisible(false));
    this.cameras.main.setBackgroundColor('rgba(0,0,0,0)');
    const burst = this.add.particles(x, y, STAR_TEXTURE, {
      speed: { min: 120, max: 380 },
      angle: { min: 200, max: 340 },
      gravityY: 420,
      lifespan: 1300,
      scale: { start: 1.4, end: 0.3 },
      rotate: { min: -180, max: 180 },
      tint: [0xffb400, 0xffd24a, 0xff7a45],
      emitting: false,
    });
    burst.explode(12 + 12 * count);
    this.wakeFor(1700);
    this.time.delayedCall(1500, () => {
      burst.destroy();
      this.cameras.main.setBackgroundColor(PAPER);
      this.squiggles.forEach((g) => g.setVisible(true));
      stage?.classList.remove('front');
    });
  }

  private makeStarTexture(): void {
    if (this.textures.exists(STAR_TEXTURE)) return;
    const g = this.make.graphics({}, false);
    const r = 14;
    const pts: Phaser.Math.Vector2[] = [];
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 ? r * 0.45 : r;
      pts.push(new Phaser.Math.Vector2(r + rr * Math.cos(a), r + rr * Math.sin(a)));
    }
    g.fillStyle(0xffffff, 1).fillPoints(pts, true);
    g.generateTexture(STAR_TEXTURE, 2 * r, 2 * r);
    g.destroy();
  }

  private makeSquiggle(rng: Phaser.Math.RandomDataGenerator): Phaser.GameObjects.Graphics {
    const g = this.add.graphics();
    const color = rng.pick(INK_COLORS);
    g.lineStyle(rng.between(3, 6), color, 0.55);
    const pts: Phaser.Math.Vector2[] = [];
    let x = 0;
    let y = 0;
    let heading = rng.realInRange(0, Math.PI * 2);
    for (let i = 0; i < 7; i++) {
      pts.push(new Phaser.Math.Vector2(x, y));
      heading += rng.realInRange(-1.3, 1.3);
      x += Math.cos(heading) * rng.between(20, 45);
      y += Math.sin(heading) * rng.between(20, 45);
    }
    g.strokePoints(new Phaser.Curves.Spline(pts).getPoints(48), false);
    return g;
  }

  private scatter(rng: Phaser.Math.RandomDataGenerator): void {
    const { width, height } = this.scale;
    for (const g of this.squiggles) {
      this.tweens.killTweensOf(g);
      g.setPosition(rng.between(-40, width), rng.between(-40, height));
      g.setAngle(rng.between(0, 359));
      this.tweens.add({
        targets: g,
        x: g.x + rng.between(-60, 60),
        y: g.y + rng.between(-60, 60),
        angle: g.angle + rng.between(-25, 25),
        duration: rng.between(7000, 14000),
        yoyo: true,
        repeat: -1,
        ease: 'Sine.easeInOut',
        paused: !this.animated,
      });
    }
  }
}

/** The stage's WebGL renderer string (e.g. SwiftShader), or null. */
function stageRenderer(game: Phaser.Game): string | null {
  const gl = (game.renderer as { gl?: WebGLRenderingContext }).gl;
  if (!gl) return null;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}
