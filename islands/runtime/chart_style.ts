import {
  ColorType,
  createChartEx,
  CrosshairMode,
  type IChartApiBase,
  type IPriceLine,
  type ISeriesApi,
  LineStyle,
} from "lightweight-charts";
import { formatY } from "../../lib/shared/grid.ts";
import type { XScaleBehavior } from "../../lib/scope/x_scale.ts";

// How the Y-T chart looks, apart from what it draws: colours, fonts, margins and price formats.

// an autoscaled axis leaves this fraction of the pane free above and below the traces; a fixed
// one leaves none, so its divisions fill the pane
export const AUTO_MARGIN = 0.08;
export const TRIGGER_COLOR = "#ff8a3d";

/** The chart in `element`, styled as a scope's screen, over `behavior`'s uniform x scale. */
export function createScopeChart(
  element: HTMLElement,
  behavior: XScaleBehavior,
): IChartApiBase<number> {
  const chart = createChartEx<number, XScaleBehavior>(element, behavior, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: "#05080b" },
      textColor: "#8fa1b3",
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 11,
      attributionLogo: false,
    },
    grid: {
      vertLines: {
        color: "rgba(110, 140, 170, 0.13)",
        style: LineStyle.Dotted,
      },
      horzLines: {
        color: "rgba(110, 140, 170, 0.13)",
        style: LineStyle.Dotted,
      },
    },
    crosshair: {
      mode: CrosshairMode.Normal,
      vertLine: {
        color: "rgba(200, 215, 230, 0.45)",
        labelBackgroundColor: "#26323f",
      },
      horzLine: {
        color: "rgba(200, 215, 230, 0.45)",
        labelBackgroundColor: "#26323f",
      },
    },
    rightPriceScale: {
      borderColor: "#1d2833",
      // room for a label such as -0.154324 from the start: an axis that widens for a longer
      // label narrows the plot, which redraws the whole screen (and two pages showing the same
      // data would lay out differently for what each had shown before)
      minimumWidth: 88,
      scaleMargins: { top: AUTO_MARGIN, bottom: AUTO_MARGIN },
    },
    timeScale: {
      borderColor: "#1d2833",
      minBarSpacing: 0.01,
      rightOffset: 0,
      // the range is set whole by each draw, over the grid's slots; a trace's newest point
      // moving along them must not scroll it, and the right edge is the grid's last slot, not
      // the last one holding a point (which would shift it, and repaint the chart, each frame)
      shiftVisibleRangeOnNewBar: false,
      fixLeftEdge: false,
      fixRightEdge: false,
      lockVisibleTimeRangeOnResize: true,
      // draw a level of ticks whole or not at all: evenly spaced divisions (see XScaleBehavior)
      uniformDistribution: true,
    },
    // zoom and pan are the island's own (see interaction.ts): they change the window drawn
    // rather than the chart's view of a fixed grid
    handleScroll: false,
    handleScale: false,
  });
  presizeCanvases(element);
  return chart;
}

/**
 * Gives the chart's canvases their device-pixel size now. lightweight-charts learns it from a
 * resize observer, two frames after it is made, and paints those frames at the canvas default
 * of 300 x 150 and then again at the real size; sized here, its first paint is at the real size
 * and the observer finds nothing left to change. The size is fancy-canvas's own prediction
 * from the canvas's place on the page (what it uses where no observer reports device pixels).
 */
function presizeCanvases(element: HTMLElement): void {
  const ratio = globalThis.devicePixelRatio || 1;
  for (const canvas of element.querySelectorAll("canvas")) {
    const r = canvas.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // never fewer pixels than CSS pixels, as lightweight-charts' own transform of the size
    canvas.width = Math.max(
      Math.round((r.left + r.width) * ratio) - Math.round(r.left * ratio),
      Math.round(r.width),
    );
    canvas.height = Math.max(
      Math.round((r.top + r.height) * ratio) - Math.round(r.top * ratio),
      Math.round(r.height),
    );
  }
}

/**
 * The price format of a series on a scale: formatY, with float noise around zero (a tick at
 * -2.8e-16 on a ±2 scale) written as 0 — "around zero" measured against the scale's range.
 */
export function priceFormat(range: () => { from: number; to: number } | null) {
  return {
    type: "custom",
    minMove: 1e-12,
    formatter: (v: number) => {
      const r = range();
      const noise = r === null ? 0 : Math.abs(r.to - r.from) * 1e-9;
      return formatY(Math.abs(v) < noise ? 0 : v);
    },
  } as const;
}

/** The trigger level as a dashed line on `series`' scale, with its value on the axis. */
export function triggerLine(
  series: ISeriesApi<"Line", number>,
  level: number,
): IPriceLine {
  return series.createPriceLine({
    price: level,
    color: TRIGGER_COLOR,
    lineWidth: 1,
    lineStyle: LineStyle.Dashed,
    axisLabelVisible: true,
    axisLabelColor: TRIGGER_COLOR,
    axisLabelTextColor: "#05080b",
    // the overlay's draggable tab marks the line; a title would print a second "T"
    title: "",
  });
}
