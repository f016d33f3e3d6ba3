/**
 * Small synthesized sound effects (Web Audio), so the game ships no audio files.
 * The context is created on the first user gesture; muting is remembered.
 */
const MUTE_KEY = 'doodle2photo.muted';
type Cue = 'tap' | 'photo' | 'star' | 'fail' | 'win';

/** Each cue: notes as [frequency Hz, start s, duration s]. */
const CUES: Record<Cue, { wave: OscillatorType; gain: number; notes: [number, number, number][] }> = {
  tap: { wave: 'triangle', gain: 0.08, notes: [[660, 0, 0.05]] },
  photo: { wave: 'sine', gain: 0.05, notes: [[880, 0, 0.06], [1320, 0.05, 0.08]] },
  star: { wave: 'triangle', gain: 0.1, notes: [[784, 0, 0.1], [1175, 0.08, 0.16]] },
  fail: { wave: 'sawtooth', gain: 0.05, notes: [[220, 0, 0.18], [165, 0.15, 0.25]] },
  win: { wave: 'triangle', gain: 0.1, notes: [[523, 0, 0.12], [659, 0.1, 0.12], [784, 0.2, 0.12], [1047, 0.3, 0.3]] },
};

let ctx: AudioContext | null = null;
let muted = readMuted();

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function isMuted(): boolean {
  return muted;
}

export function setMuted(value: boolean): void {
  muted = value;
  try {
    localStorage.setItem(MUTE_KEY, value ? '1' : '0');
  } catch {
    /* storage blocked: keep it for this session */
  }
}

export function play(cue: Cue): void {
  if (muted || typeof AudioContext === 'undefined') return;
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const spec = CUES[cue];
    const now = ctx.currentTime;
    for (const [freq, start, dur] of spec.notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = spec.wave;
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(spec.gain, now + start);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + start + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + start);
      osc.stop(now + start + dur + 0.02);
    }
  } catch {
    // audio is decoration: never let it break drawing
  }
}
