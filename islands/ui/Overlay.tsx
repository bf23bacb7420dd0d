import type { PointerEventHandler } from "preact";
import { formatY } from "../../lib/shared/grid.ts";
import { formatSI } from "../../lib/scope/si.ts";
import { tidy } from "../state/auto_settings.ts";
import type { ScopeModel } from "../state/model.ts";
import type { Cursors } from "../../lib/scope/cursors.ts";

type CursorKey = "x1" | "x2" | "y1" | "y2";

/**
 * What sits on top of the Y-T chart: the two x and two y cursors and their readout, the
 * trigger level handle and the trigger point marker, and the "held" banner with its way back to
 * live. Handles are sliders (focusable, arrow keys) as well as drag targets. The island's frame
 * loop places them (runtime/overlay_placement.ts), so a moving trace does not re-render any of this.
 */
export function Overlay(
  props: { model: ScopeModel },
) {
  const { model } = props;
  const v = model.view.value;
  const cursors = v.view === "yt" ? model.cursors.value : null;
  const status = model.status.value;
  const triggerOn = v.view === "yt" && v.trigger.enabled && !v.roll;
  const source = model.triggerSource();
  const held = status === "hold" || status === "stop";

  const moveCursor = (key: CursorKey, value: number) => {
    const c = model.cursors.value;
    if (c) model.cursors.value = { ...c, [key]: tidy(value) };
  };

  /** Pointer drags for a handle: `at` turns the pointer position into the new value. */
  const drag = (
    at: (px: number, py: number) => void,
  ): {
    onPointerDown: PointerEventHandler<HTMLDivElement>;
    onPointerMove: PointerEventHandler<HTMLDivElement>;
    onPointerUp: PointerEventHandler<HTMLDivElement>;
  } => ({
    onPointerDown: (e) => {
      e.stopPropagation();
      e.preventDefault();
      e.currentTarget.setPointerCapture(e.pointerId);
      e.currentTarget.focus();
    },
    onPointerMove: (e) => {
      if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
      const m = model.port.mapper;
      if (!m) return;
      const r = m.rect();
      at(e.clientX - r.left, e.clientY - r.top);
    },
    onPointerUp: (e) => {
      e.currentTarget.releasePointerCapture(e.pointerId);
    },
  });

  const cursorKeys = (key: CursorKey, e: KeyboardEvent) => {
    const c = model.cursors.value;
    const m = model.port.mapper;
    if (!c || !m) return;
    const horizontal = key.startsWith("x");
    const dirs: Record<string, number> = horizontal
      ? { ArrowLeft: -1, ArrowRight: 1 }
      : { ArrowDown: -1, ArrowUp: 1 };
    const dir = dirs[e.key];
    if (dir === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    const size = m.plotSize();
    // one step is 1/100 of the screen (Shift: 1/10), in the cursor's own units
    const pxStep = (horizontal ? size.width : size.height) /
      (e.shiftKey ? 10 : 100);
    if (horizontal) {
      const a = m.pxToX(0);
      const b = m.pxToX(pxStep);
      if (a !== null && b !== null) moveCursor(key, c[key] + dir * (b - a));
    } else {
      const a = m.pxToY(c.ref, 0);
      const b = m.pxToY(c.ref, pxStep);
      if (a !== null && b !== null) moveCursor(key, c[key] + dir * (a - b));
    }
  };

  return (
    <div class="overlay">
      {cursors &&
        (["x1", "x2", "y1", "y2"] as const).map((key) => {
          const horizontal = key.startsWith("x");
          const value = cursors[key];
          return (
            <div
              key={key}
              class={`cursor ${horizontal ? "cursor-x" : "cursor-y"}`}
              data-cursor={key}
              role="slider"
              tabIndex={0}
              aria-label={`Cursor ${key.toUpperCase()}`}
              aria-orientation={horizontal ? "horizontal" : "vertical"}
              aria-valuenow={value}
              aria-valuetext={horizontal
                ? formatSI(value, "s")
                : `${formatY(value)} on ${cursors.ref}`}
              onKeyDown={(e) => cursorKeys(key, e)}
              {...drag((px, py) => {
                const m = model.port.mapper!;
                const x = m.pxToX(px);
                const next = horizontal
                  ? (x === null ? null : x - m.origin())
                  : m.pxToY(cursors.ref, py);
                if (next !== null) moveCursor(key, next);
              })}
            >
              <span class="cursor-tag">{key.toUpperCase()}</span>
            </div>
          );
        })}
      {cursors && <CursorReadout cursors={cursors} />}
      {triggerOn && source !== null && (
        <div
          class="trig-line"
          data-trigger-level
          role="slider"
          tabIndex={0}
          aria-label="Trigger level"
          aria-valuenow={v.trigger.level}
          aria-valuetext={`${formatY(v.trigger.level)} on ${source}`}
          title="Drag the line to set the trigger level (or ↑ ↓)"
          onKeyDown={(e) => {
            const dir = e.key === "ArrowUp"
              ? 1
              : e.key === "ArrowDown"
              ? -1
              : 0;
            if (dir === 0) return;
            e.preventDefault();
            e.stopPropagation();
            model.nudgeLevel(dir, e.shiftKey);
          }}
          {...drag((_px, py) => {
            const y = model.port.mapper!.pxToY(source, py);
            if (y === null) return;
            const q = model.levelStep() / 10;
            model.setLevel(Math.round(y / q) * q);
          })}
        >
          <span class="trig-tab" aria-hidden="true">T</span>
        </div>
      )}
      {triggerOn && <div class="trig-x" data-trigger-x aria-hidden="true" />}
      {held && v.view === "yt" && (
        <div class="held">
          <span class="held-text">
            {status === "stop" ? "Stopped" : "View held"}
          </span>
          {model.summary.value !== null && (
            <span
              class="held-summary"
              data-summary
              title="Older than the samples the server still holds: each bucket drawn by its first, last, lowest and highest point. Zoom in nearer the present for every sample."
            >
              history · {formatSI(model.summary.value, "s")} buckets
            </span>
          )}
          <button
            type="button"
            class="btn btn-small"
            id="live-pill"
            onClick={() => model.live()}
          >
            Live ⟲
          </button>
        </div>
      )}
    </div>
  );
}

/** Δ readouts; X1 and X2 read like the axis (from the trigger in a triggered view). */
function CursorReadout(props: { cursors: Cursors }) {
  const c = props.cursors;
  const dx = Math.abs(c.x2 - c.x1);
  const dy = c.y2 - c.y1;
  return (
    <dl class="cursor-readout" data-cursor-readout aria-label="Cursor readout">
      <div>
        <dt>X1</dt>
        <dd>{formatSI(c.x1, "s", 5)}</dd>
      </div>
      <div>
        <dt>X2</dt>
        <dd>{formatSI(c.x2, "s", 5)}</dd>
      </div>
      <div data-readout="dx">
        <dt>Δx</dt>
        <dd>{formatSI(dx, "s")}</dd>
      </div>
      <div data-readout="inv-dx">
        <dt>1/Δx</dt>
        <dd>{dx > 0 ? formatSI(1 / dx, "Hz") : "–"}</dd>
      </div>
      <div>
        <dt>Y1</dt>
        <dd>{formatY(c.y1)}</dd>
      </div>
      <div>
        <dt>Y2</dt>
        <dd>{formatY(c.y2)}</dd>
      </div>
      <div data-readout="dy">
        <dt>Δy</dt>
        <dd>{formatY(dy)}</dd>
      </div>
    </dl>
  );
}
