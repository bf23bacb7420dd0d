import { formatY } from "../../lib/shared/grid.ts";
import { formatPerDiv } from "../../lib/scope/timebase.ts";
import { encodeView, type ViewState } from "../../lib/scope/view_state.ts";
import { windowCsv } from "../../lib/scope/window_csv.ts";
import type { Shown } from "../../lib/scope/acquisition.ts";
import { TRIGGER_COLOR } from "./chart_style.ts";
import type { ScopeModel } from "../state/model.ts";
import type { Mapper } from "../state/scope_port.ts";
import { formatSI } from "../../lib/scope/si.ts";
import { type Cursors, withCursors } from "../../lib/scope/cursors.ts";

/** What the Save & share buttons and Clear do. */

/** Saves a blob under a file name, the way a download link would. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // the download has started by the time the event loop comes back round
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name stamp in local time: 2025-01-31_14-05-09. */
export function stamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${
    pad(date.getDate())
  }_${pad(date.getHours())}-${pad(date.getMinutes())}-${
    pad(date.getSeconds())
  }`;
}

/**
 * The screen as a PNG with a caption strip under it (timebase, trigger, channels), so a
 * picture pasted into a report still says how it was taken.
 */
export function composePng(
  screen: HTMLCanvasElement,
  caption: { text: string; color: string }[],
  overlay?: (ctx: CanvasRenderingContext2D, scale: number) => void,
): Promise<Blob | null> {
  const strip = 30;
  const out = document.createElement("canvas");
  out.width = screen.width;
  const scale = screen.width / Math.max(1, screen.clientWidth || screen.width);
  const stripPx = Math.round(
    strip * (Number.isFinite(scale) && scale > 0 ? scale : 1),
  );
  out.height = screen.height + stripPx;
  const ctx = out.getContext("2d")!;
  ctx.fillStyle = "#0b1117";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(screen, 0, 0);
  overlay?.(ctx, Number.isFinite(scale) && scale > 0 ? scale : 1);
  ctx.font = `${
    Math.round(12 * (stripPx / strip))
  }px ui-monospace, Menlo, Consolas, monospace`;
  ctx.textBaseline = "middle";
  let x = Math.round(10 * (stripPx / strip));
  for (const part of caption) {
    ctx.fillStyle = part.color;
    ctx.fillText(part.text, x, screen.height + stripPx / 2);
    x += ctx.measureText(part.text).width + 18 * (stripPx / strip);
  }
  return new Promise((resolve) => out.toBlob(resolve, "image/png"));
}

/** Downloads the visible channels' points on screen as `channel,x,y`. */
export function saveWindowCsv(model: ScopeModel, shown: Shown): void {
  const v = model.view.value;
  const w = shown.window;
  const channels = [...shown.record].filter(([name]) =>
    !v.hidden.includes(name)
  );
  const csv = windowCsv(channels, w?.from, w?.to);
  download(
    new Blob([csv], { type: "text/csv" }),
    `oscilloscope-screen-${stamp()}.csv`,
  );
  model.say(`Saved ${csv.split("\n").length - 2} points as CSV`);
}

/** Cursor line colours, as the overlay draws them (style.css .cursor-x, .cursor-y). */
const CURSOR_X_COLOR = "#8fe3ff";
const CURSOR_Y_COLOR = "#d1b3ff";

/**
 * Draws the cursors onto a screenshot of the chart, as the overlay shows them: dashed lines
 * with their tags. `scale` is canvas pixels per CSS pixel.
 */
function drawCursors(
  ctx: CanvasRenderingContext2D,
  scale: number,
  c: Cursors,
  m: Mapper,
): void {
  const size = m.plotSize();
  ctx.save();
  ctx.lineWidth = Math.max(1, scale);
  ctx.setLineDash([4 * scale, 3 * scale]);
  ctx.font = `${
    Math.round(11 * scale)
  }px ui-monospace, Menlo, Consolas, monospace`;
  for (const key of ["x1", "x2", "y1", "y2"] as const) {
    const vertical = key.startsWith("x");
    const px = vertical ? m.xToPx(c[key] + m.origin()) : m.yToPx(c.ref, c[key]);
    if (px === null) continue;
    // on a pixel's centre, so a 1 px line is one crisp column or row of its colour
    const at = Math.round(px * scale) + 0.5;
    ctx.strokeStyle = ctx.fillStyle = vertical
      ? CURSOR_X_COLOR
      : CURSOR_Y_COLOR;
    ctx.beginPath();
    if (vertical) {
      ctx.moveTo(at, 0);
      ctx.lineTo(at, size.height * scale);
    } else {
      ctx.moveTo(0, at);
      ctx.lineTo(size.width * scale, at);
    }
    ctx.stroke();
    const tag = key.toUpperCase();
    if (vertical) ctx.fillText(tag, px * scale + 3 * scale, 12 * scale);
    else ctx.fillText(tag, 3 * scale, px * scale - 3 * scale);
  }
  ctx.restore();
}

/** Downloads the screen as a PNG captioned with timebase, trigger and channels. */
export function savePng(
  model: ScopeModel,
  screen: HTMLCanvasElement,
  mapper: Mapper | null,
): void {
  const v = model.view.value;
  const cursors = v.view === "yt" ? model.cursors.peek() : null;
  const caption = [
    { text: "Web Oscilloscope", color: "#8fa1b3" },
    {
      text: v.timePerDiv === null ? "fit" : formatPerDiv(v.timePerDiv, "s"),
      color: "#d5dee7",
    },
    ...(v.trigger.enabled && !v.roll
      ? [{
        text: `T ${model.triggerSource()} ${
          v.trigger.edge === "rising" ? "↑" : "↓"
        } ${formatY(v.trigger.level)}`,
        color: TRIGGER_COLOR,
      }]
      : []),
    ...model.channels.value.filter((c) => !v.hidden.includes(c.name))
      .map((c) => ({
        text: v.vertical[c.name]
          ? `${c.name} ${formatPerDiv(v.vertical[c.name].voltsPerDiv)}`
          : c.name,
        color: c.color,
      })),
    ...(cursors === null ? [] : [{
      text: `Δx ${formatSI(Math.abs(cursors.x2 - cursors.x1), "s")}  Δy ${
        formatY(cursors.y2 - cursors.y1)
      }`,
      color: CURSOR_X_COLOR,
    }]),
    { text: new Date().toLocaleString(), color: "#5f7285" },
  ];
  const overlay = cursors !== null && mapper !== null
    ? (ctx: CanvasRenderingContext2D, scale: number) =>
      drawCursors(ctx, scale, cursors, mapper)
    : undefined;
  void composePng(screen, caption, overlay).then((blob) => {
    if (blob) {
      download(blob, `oscilloscope-${stamp()}.png`);
      model.say("Saved the screen as PNG");
    }
  });
}

/** This page's address with the view and the cursors in its query. */
export function shareUrl(view: ViewState, cursors: Cursors | null): string {
  const q = withCursors(encodeView(view), cursors);
  return `${location.origin}${location.pathname}${q ? `?${q}` : ""}`;
}
