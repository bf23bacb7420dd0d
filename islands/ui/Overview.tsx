import { formatClock } from "../../lib/shared/grid.ts";
import { formatSI } from "../../lib/scope/si.ts";
import type { ScopeModel } from "../state/model.ts";

/**
 * A time for a label: the clock for epoch seconds (as the x axis writes it; the locale's time
 * format would load ICU's data, some 16 ms, on the page's first frames), SI seconds otherwise.
 */
function timeText(x: number): string {
  return x > 1e9 ? formatClock(x, 0) : formatSI(x, "s");
}

function spanText(seconds: number): string {
  if (seconds >= 7200) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return formatSI(seconds, "s");
}

/**
 * The overview strip under the screen: the whole span the server holds of the visible
 * channels (its history included) and where the screen is within it. A click or a tap looks
 * there (stopping the view, the same width); the arrow keys step a screen back or forth.
 */
export function Overview(props: { model: ScopeModel }) {
  const { model } = props;
  const server = model.server.value;
  const shown = model.shown.value;
  const hidden = model.view.value.hidden;
  const spans = (server?.channels ?? []).filter((c) =>
    c.held && !hidden.includes(c.name)
  ).map((c) => c.held!);
  // the strip keeps its place while there is nothing to show: the screen above does not
  // jump when the first status arrives
  const empty = <div class="overview overview-empty" aria-hidden="true" />;
  if (spans.length === 0 || shown === null) return empty;
  const from = Math.min(...spans.map((s) => s.from));
  const to = Math.max(...spans.map((s) => s.to));
  if (!(to > from)) return empty;
  const at = (x: number) => Math.max(0, Math.min(1, (x - from) / (to - from)));
  const left = at(shown.from);
  const right = at(shown.to);
  const width = shown.to - shown.from;
  const look = (center: number) =>
    model.update({
      running: false,
      zoom: { fromX: center - width / 2, toX: center + width / 2 },
    });
  const center = (shown.from + shown.to) / 2;
  return (
    <div
      class="overview"
      role="slider"
      tabIndex={0}
      aria-label="History held on the server: where the screen is"
      aria-valuemin={from}
      aria-valuemax={to}
      aria-valuenow={Math.max(from, Math.min(to, center))}
      aria-valuetext={`screen at ${timeText(center)}, ${
        spanText(to - from)
      } held`}
      data-overview
      onPointerDown={(e) => {
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        look(from + ((e.clientX - r.left) / r.width) * (to - from));
      }}
      onKeyDown={(e) => {
        if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
        e.preventDefault();
        e.stopPropagation();
        look(center + (e.key === "ArrowLeft" ? -width : width));
      }}
    >
      <span class="overview-label" aria-hidden="true">
        {timeText(from)} · {spanText(to - from)} held
      </span>
      <span
        class="overview-window"
        style={{
          left: `${(left * 100).toFixed(3)}%`,
          width: `max(2px, ${((right - left) * 100).toFixed(3)}%)`,
        }}
      />
    </div>
  );
}
