/** The live canvas core: framework-free, shared by the Phaser game and the <doodle-photo> widget. */
export { LiveCanvas, type LiveCanvasOptions, type LiveCanvasEvents, type ChangeEvent, type BlobKind } from './liveCanvas';
export { EngineClient, type EngineOptions } from './engine/client';
export { InferenceScheduler, DEFAULT_THROTTLE_MS, type Urgency } from './scheduler';
export { History, type Drawing } from './history';
export { chooseBackend, isSoftwareRenderer, parseBackendPreference } from './backendChoice';
export { DEFAULT_PEN_SIZE, MIN_PEN_SIZE, MAX_PEN_SIZE, defaultBrush } from './geometry';
export type { DoodleSource } from './doodleImage';
export type * from './types';
