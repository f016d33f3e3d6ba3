/**
 * StrokeCapture: pointer events (mouse, touch, pen) on one element → stroke
 * begin / move / end. One pointer draws at a time; a second finger turns a
 * touch stroke into a two-finger gesture (pinch): the stroke is cancelled and
 * nothing is drawn until every finger is up. The page never zooms or scrolls
 * under the drawing (touch-action: none). Coalesced events are used so fast
 * strokes stay smooth.
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
  private activeType = '';
  /** Touch pointers down on the element, and whether they form a gesture (no drawing until all are up). */
  private readonly touches = new Set<number>();
  private gesture = false;
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
    element.addEventListener('pointerup', this.onTouchGone);
    element.addEventListener('pointercancel', this.onTouchGone);
    element.addEventListener('lostpointercapture', this.onTouchGone);
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
    el.removeEventListener('pointerup', this.onTouchGone);
    el.removeEventListener('pointercancel', this.onTouchGone);
    el.removeEventListener('lostpointercapture', this.onTouchGone);
    el.style.touchAction = this.previousTouchAction;
    this.activePointer = null;
  }

  private point(e: PointerEvent, rect: DOMRect): StrokePoint {
    const { x, y } = toNormalized(e.clientX, e.clientY, rect);
    const pressure = e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : NEUTRAL_PRESSURE;
    return { x, y, pressure };
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (e.pointerType === 'touch') {
      this.touches.add(e.pointerId);
      if (this.touches.size > 1) {
        e.preventDefault();
        this.gesture = true;
        if (this.activePointer !== null && this.activeType === 'touch') {
          this.activePointer = null;
          this.handlers.cancel();
        }
        return;
      }
    }
    if (!this.enabled || this.activePointer !== null || this.gesture) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault(); // no text selection or compatibility mouse events in the host page
    this.activePointer = e.pointerId;
    this.activeType = e.pointerType;
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

  /** A finger left: the gesture ends with the last one. */
  private readonly onTouchGone = (e: PointerEvent): void => {
    if (!this.touches.delete(e.pointerId)) return;
    if (this.touches.size === 0) this.gesture = false;
  };

  private readonly onCancel = (e: PointerEvent): void => {
    if (e.pointerId !== this.activePointer) return;
    this.activePointer = null;
    this.handlers.cancel();
  };
}
