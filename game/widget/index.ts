/** Entry of the widget build (dist/widget/doodle-photo.js): defines <doodle-photo>. */
import { DoodlePhotoElement } from './doodlePhoto';

export { DoodlePhotoElement };
export type { DoodlePhotoEventMap } from './doodlePhoto';
export type { ThemeInfo, LiveError, LiveStats, PhotoEvent, BackendPreference } from '../live/types';

export const TAG = 'doodle-photo';

if (typeof customElements !== 'undefined' && !customElements.get(TAG)) {
  customElements.define(TAG, DoodlePhotoElement);
}
