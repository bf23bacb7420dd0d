// Reading what the chart drew, for the browser tests: where a trace is, column by column.
import type { Page } from "playwright-core";

/**
 * How a pixel counts as the trace: "exact" within a small distance of its colour (the M4
 * comparison, where both pages draw the same line), or "hue" by the ratio of its channels, so
 * the anti-aliased edges of a 1 px line count too and a trace shifted by a fraction of a pixel
 * still reads the same (the triggered-sweep comparisons).
 */
export type Match = "exact" | "hue";

export interface Profile {
  top: number[];
  bottom: number[];
}

/** For each pixel column of the chart's canvases, the top and bottom row holding `hex` (or -1). */
export function columnProfile(
  page: Page,
  hex: string,
  match: Match,
): Promise<Profile> {
  return page.evaluate(([hex, match]) => {
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const peak = Math.max(...want);
    const ratio = want.map((c) => c / peak);
    const isTrace = (data: Uint8ClampedArray, i: number): boolean => {
      if (match === "exact") {
        return Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) +
                Math.abs(data[i + 2] - want[2]) < 60 && data[i + 3] > 200;
      }
      const p = Math.max(data[i], data[i + 1], data[i + 2]);
      if (p < 70 || data[i + 3] < 200) return false;
      let off = 0;
      for (let c = 0; c < 3; c++) off += Math.abs(data[i + c] / p - ratio[c]);
      return off < 0.25;
    };
    let top: number[] = [];
    let bottom: number[] = [];
    for (
      const canvas of document.querySelectorAll<HTMLCanvasElement>(
        ".chart canvas",
      )
    ) {
      const ctx = canvas.getContext("2d");
      if (!ctx || canvas.width < 200 || canvas.height < 200) continue;
      const { data, width, height } = ctx.getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      );
      if (top.length === 0) {
        top = new Array(width).fill(-1);
        bottom = new Array(width).fill(-1);
      }
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (isTrace(data, (y * width + x) * 4)) {
            if (top[x] === -1) top[x] = y;
            bottom[x] = y;
          }
        }
      }
    }
    return { top, bottom };
  }, [hex, match] as const);
}
