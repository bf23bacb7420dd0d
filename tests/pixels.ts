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
  return page.evaluate(readColumns, [hex, match] as const);
}

/**
 * The in-page side of `columnProfile`, self-contained so any driver can evaluate it (playwright's
 * Chromium here, puppeteer's Firefox in firefox_test.ts).
 */
export function readColumns([hex, match]: readonly [string, Match]): Profile {
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
}

/** Pixels of the XY/FFT canvas near `hex`, and the part of its width and height they span. */
export function plotPixels(
  page: Page,
  hex: string,
): Promise<{ count: number; spanX: number; spanY: number }> {
  return page.evaluate(readPlotPixels, hex);
}

function readPlotPixels(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const canvas = document.querySelector<HTMLCanvasElement>(".plot canvas")!;
  const { data, width, height } = canvas.getContext("2d")!.getImageData(
    0,
    0,
    canvas.width,
    canvas.height,
  );
  let count = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (
        Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) +
            Math.abs(data[i + 2] - b) < 80
      ) {
        count++;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return {
    count,
    spanX: (maxX - minX) / width,
    spanY: (maxY - minY) / height,
  };
}
