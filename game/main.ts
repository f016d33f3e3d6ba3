/**
 * doodle2photo — the game entry. Phaser runs the scenes and paints the
 * backdrop, the boot progress bar and the celebrations in #stage; each scene
 * mounts its accessible HTML (toolbar, panes, cards) into #ui. Drawing,
 * history, scheduling and the model live in the framework-free core (game/live).
 */
import Phaser from 'phaser';
import { BackdropScene } from './scenes/BackdropScene';
import { BootScene } from './scenes/BootScene';
import { MenuScene } from './scenes/MenuScene';
import { StudioScene } from './scenes/StudioScene';
import { ChallengeScene } from './scenes/ChallengeScene';

/** The backdrop only drifts; 30 fps leaves the (often software-rendered) page time for the model. */
const STAGE_FPS = 30;

const game = new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'stage',
  transparent: true,
  scale: { mode: Phaser.Scale.RESIZE, parent: 'stage', width: '100%', height: '100%' },
  fps: { target: STAGE_FPS, limit: STAGE_FPS },
  // The stage is decoration under the HTML: it takes no input and plays no audio files.
  input: { keyboard: false, mouse: false, touch: false, gamepad: false },
  audio: { noAudio: true },
  banner: false,
  scene: [BootScene, BackdropScene, MenuScene, StudioScene, ChallengeScene],
});

// For the browser tests and for debugging in the console.
(window as unknown as { doodle2photo: { game: Phaser.Game } }).doodle2photo = { game };
