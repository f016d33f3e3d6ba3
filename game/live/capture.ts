/**
 * StrokeCapture: pointer events (mouse, touch, pen) on one element → stroke
 * begin / move / end. One pointer draws at a time (a second finger is ignored);
 * coalesced events are used so fast strokes stay smooth.
 */
import { NEUTRAL_PRESSURE, toNormalized } from './geometry';
import type { StrokePoint } from './types';

export interface CaptureHandlers {
  begin(point: StrokePoint, pressureSensitive: boolean): void;
  move(points: StrokePoint[]): void;
  end(): void;
  /** The platform took the pointer away mid-stroke (e.g. a system gesture). */
  cancel(): void;
}

export class StrokeCapture {
  private activePointer: number | null = null;
  private readonly previousTouchAction: string;
  enabled = true;

  constructor(
    private readonly element: HTMLElement,
    private readonly handlers: CaptureHandlers,
  ) {
    this.previousTouchAction = element.style.touchAction;
    // Without this, touch drags scroll or zoom the page instead of drawing.
    element.style.touchAction = 'none';
    element.addEventListener('pointerdown', this.onDown);
    element.addEventListener('pointermove', this.onMove);
    element.addEventListener('pointerup', this.onUp);
    element.addEventListener('pointercancel', this.onCancel);
    element.addEventListener('lostpointercapture', this.onUp);
  }

  get drawing(): boolean {
    return this.activePointer !== null;
  }

  dispose(): void {
    const el = this.element;
    el.removeEventListener('pointerdown', this.onDown);
    el.removeEventListener('pointermove', this.onMove);
    el.removeEventListener('pointerup', this.onUp);
    el.removeEventListener('pointercancel', this.onCancel);
    el.removeEventListener('lostpointercapture', this.onUp);
    el.style.touchAction = this.previousTouchAction;
    this.activePointer = null;
  }

  private point(e: PointerEvent, rect: DOMRect): StrokePoint {
    const { x, y } = toNormalized(e.clientX, e.clientY, rect);
    const pressure = e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : NEUTRAL_PRESSURE;
    return { x, y, pressure };
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (!this.enabled || this.activePointer !== null) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault(); // no text selection or compatibility mouse events in the host page
    this.activePointer = e.pointerId;
    try {
      this.element.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events have no capturable pointer; drawing still works inside the element.
    }
    this.handlers.begin(this.point(e, this.element.getBoundingClientRect()), e.pointerType === 'pen');
  };

  private readonly onMove = (e: PointerEvent): void => {
    if (e.pointerId !== this.activePointer) return;
    const rect = this.element.getBoundingClientRect();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    const points = (events.length ? events : [e]).map((ev) => this.point(ev, rect));
    this.handlers.move(points);
  };

  private readonly onUp = (e: PointerEvent): void => {
    if (e.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.handlers.end();
  };

  private readonly onCancel = (e: PointerEvent): void => {
    if (e.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.handlers.cancel();
  };
}
