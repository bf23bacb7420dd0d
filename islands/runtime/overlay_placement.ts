// Where the overlay's handles go, each frame: the frame loop calls these directly, so a moving
// trace does not re-render the overlay's markup (ui/Overlay.tsx).
import { tidy } from "../state/auto_settings.ts";
import type { Cursors } from "../../lib/scope/cursors.ts";
import type { Mapper } from "../state/scope_port.ts";

/** Puts the overlay's handles where their values are on the chart; hides those off screen. */
export function placeOverlay(
  root: HTMLElement,
  m: Mapper,
  cursors: Cursors | null,
  trigger: { source: string; level: number; x: number | null } | null,
): void {
  const size = m.plotSize();
  const place = (
    el: HTMLElement | null,
    px: number | null,
    horizontal: boolean,
    limit: number,
  ) => {
    if (!el) return;
    const ok = px !== null && px >= -1 && px <= limit + 1;
    el.style.display = ok ? "" : "none";
    if (ok) {
      el.style.transform = horizontal
        ? `translateX(${px.toFixed(1)}px)`
        : `translateY(${px.toFixed(1)}px)`;
    }
  };
  for (const key of ["x1", "x2", "y1", "y2"] as const) {
    const el = root.querySelector<HTMLElement>(`[data-cursor="${key}"]`);
    if (!el || !cursors) continue;
    el.style.setProperty("--plot-w", `${size.width}px`);
    el.style.setProperty("--plot-h", `${size.height}px`);
    place(
      el,
      key.startsWith("x")
        ? m.xToPx(cursors[key] + m.origin())
        : m.yToPx(cursors.ref, cursors[key]),
      key.startsWith("x"),
      key.startsWith("x") ? size.width : size.height,
    );
  }
  const level = root.querySelector<HTMLElement>("[data-trigger-level]");
  if (level && trigger) {
    level.style.setProperty("--plot-w", `${size.width}px`);
    place(level, m.yToPx(trigger.source, trigger.level), false, size.height);
  }
  const tx = root.querySelector<HTMLElement>("[data-trigger-x]");
  if (tx) {
    place(
      tx,
      trigger && trigger.x !== null ? m.xToPx(trigger.x) : null,
      true,
      size.width,
    );
  }
}

/**
 * Cursors that a new window, a scroll or a rescale left off screen come back to their home
 * positions (X at 30 % and 70 % of the width, Y at 25 % and 75 % of the height), so a cursor
 * is never lost; those on screen stay where they are, on the data.
 */
export function keepOnScreen(
  c: Cursors,
  m: Mapper,
  source: string | null,
): Cursors {
  const size = m.plotSize();
  const next = { ...c };
  let moved = false;
  if (m.yToPx(c.ref, c.y1) === null && source !== null && source !== c.ref) {
    next.ref = source;
    moved = true;
  }
  const homes = [["x1", 0.3], ["x2", 0.7], ["y1", 0.75], ["y2", 0.25]] as const;
  for (const [key, home] of homes) {
    const horizontal = key.startsWith("x");
    const px = horizontal
      ? m.xToPx(next[key] + m.origin())
      : m.yToPx(next.ref, next[key]);
    const limit = horizontal ? size.width : size.height;
    if (px !== null && px >= 0 && px <= limit) continue;
    const at = horizontal ? m.pxToX(size.width * home) : null;
    const value = horizontal
      ? (at === null ? null : at - m.origin())
      : m.pxToY(next.ref, size.height * home);
    if (value === null) continue;
    next[key] = tidy(value);
    moved = true;
  }
  return moved ? next : c;
}
