import type { Mapper } from "../state/scope_port.ts";
import type { ScopeModel } from "../state/model.ts";

// what sits on the chart and takes presses itself
const CONTROLS =
  "button, a, input, select, [role=slider], .cursor-readout, .held";
// a press that moves less than this is a click, not a pan (it must not freeze the view)
const DRAG_THRESHOLD_PX = 4;

/**
 * Wheel, drag and pinch on the Y-T chart: zoom and pan in x. The first movement freezes the view
 * (the model holds a zoom window); "Live" or a double-click returns to the live view. Returns
 * the function that removes the listeners.
 */
export function attachPanZoom(
  el: HTMLElement,
  mapper: () => Mapper | null,
  model: ScopeModel,
): () => void {
  const active = () => model.view.value.view === "yt";
  const xAt = (clientX: number): number | null => {
    const m = mapper();
    if (!m) return null;
    return m.pxToX(clientX - m.rect().left);
  };
  const unitsPerPx = (): number | null => {
    const m = mapper();
    if (!m) return null;
    const a = m.pxToX(0);
    const b = m.pxToX(100);
    return a === null || b === null ? null : (b - a) / 100;
  };

  const onWheel = (e: WheelEvent) => {
    if (!active()) return;
    e.preventDefault();
    // lines or pages from a mouse wheel, pixels from a touchpad: about 100 px per notch
    const px = e.deltaMode === 1
      ? e.deltaY * 33
      : e.deltaMode === 2
      ? e.deltaY * 400
      : e.deltaY;
    const factor = Math.exp(Math.max(-1, Math.min(1, px * 0.002)));
    const x = xAt(e.clientX);
    if (x !== null) model.zoomBy(factor, x);
  };

  // pointers down on the chart itself (not on a handle), by id
  const pointers = new Map<number, { x: number; y: number }>();
  let pan: { startX: number; moved: boolean } | null = null;
  let pinch: { distance: number; centerX: number } | null = null;

  const onDown = (e: PointerEvent) => {
    if (!active() || (e.pointerType === "mouse" && e.button !== 0)) return;
    // a press on a control over the chart is that control's (capturing it would eat its click)
    if ((e.target as Element).closest(CONTROLS)) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    el.setPointerCapture(e.pointerId);
    if (pointers.size === 1) {
      pan = { startX: e.clientX, moved: false };
      pinch = null;
    } else if (pointers.size === 2) {
      pan = null;
      const [a, b] = [...pointers.values()];
      const center = xAt((a.x + b.x) / 2);
      pinch = center === null
        ? null
        : { distance: Math.max(10, Math.abs(a.x - b.x)), centerX: center };
    }
  };

  const onMove = (e: PointerEvent) => {
    const p = pointers.get(e.pointerId);
    if (!p) return;
    const lastX = p.x;
    p.x = e.clientX;
    p.y = e.clientY;
    if (pan) {
      if (!pan.moved && Math.abs(e.clientX - pan.startX) < DRAG_THRESHOLD_PX) {
        return;
      }
      const per = unitsPerPx();
      if (per === null) return;
      const dx = pan.moved ? e.clientX - lastX : e.clientX - pan.startX;
      pan.moved = true;
      model.panBy(-dx * per);
    } else if (pinch && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const distance = Math.max(10, Math.abs(a.x - b.x));
      model.zoomBy(pinch.distance / distance, pinch.centerX);
      pinch.distance = distance;
    }
  };

  const onUp = (e: PointerEvent) => {
    pointers.delete(e.pointerId);
    if (el.hasPointerCapture(e.pointerId)) {
      el.releasePointerCapture(e.pointerId);
    }
    if (pointers.size === 0) {
      pan = null;
      pinch = null;
    }
  };

  const onDouble = () => {
    if (active()) model.live();
  };

  el.addEventListener("wheel", onWheel, { passive: false });
  el.addEventListener("pointerdown", onDown);
  el.addEventListener("pointermove", onMove);
  el.addEventListener("pointerup", onUp);
  el.addEventListener("pointercancel", onUp);
  el.addEventListener("dblclick", onDouble);
  return () => {
    el.removeEventListener("wheel", onWheel);
    el.removeEventListener("pointerdown", onDown);
    el.removeEventListener("pointermove", onMove);
    el.removeEventListener("pointerup", onUp);
    el.removeEventListener("pointercancel", onUp);
    el.removeEventListener("dblclick", onDouble);
  };
}
