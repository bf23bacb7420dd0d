import type {
  ChartOptionsImpl,
  IHorzScaleBehavior,
  InternalHorzScaleItem,
  InternalHorzScaleItemKey,
  LocalizationOptions,
  Mutable,
  TickMark,
  TickMarkWeightValue,
  TimeMark,
  TimeScalePoint,
} from "lightweight-charts";
import {
  formatClock,
  formatX,
  type Grid,
  niceStep,
  type Step,
} from "../shared/grid.ts";

/** The grid being drawn, the spacing of labelled ticks, and whether x reads as clock time. */
export interface XView {
  grid: Grid;
  /** a 1-2-5 multiple of the grid step, wide enough for a label */
  tick: Step;
  clock: boolean;
}

/**
 * The labelled tick spacing for a grid drawn `widthPx` wide: the smallest 1-2-5 step that leaves
 * at least `minLabelPx` between labels.
 */
export function tickStep(grid: Grid, widthPx: number, minLabelPx = 100): Step {
  const span = grid.slots * grid.step;
  return niceStep(
    Math.max(grid.step, (span * minLabelPx) / Math.max(1, widthPx)),
  );
}

/**
 * A horizontal scale of plain numbers for lightweight-charts (its built-in options scale formats
 * with a fixed precision and weights ticks for prices): items are the grid's slot values. Only
 * multiples of the tick step get a weight above zero — tens of them the most, fives next — and
 * the chart runs with `uniformDistribution`, which draws a weight level whole or not at all, so
 * the divisions stay evenly spaced like a scope's graticule. Labels show as many decimals as the
 * tick step needs, or clock time when x is seconds since the epoch.
 */
export class XScaleBehavior implements IHorzScaleBehavior<number> {
  #options!: ChartOptionsImpl<number>;

  constructor(readonly view: () => XView) {}

  options(): ChartOptionsImpl<number> {
    return this.#options;
  }
  setOptions(options: ChartOptionsImpl<number>): void {
    this.#options = options;
  }
  preprocessData(): void {}
  updateFormatter(options: LocalizationOptions<number>): void {
    if (this.#options) this.#options.localization = options;
  }
  createConverterToInternalObj(): (item: number) => InternalHorzScaleItem {
    return (item) => item as unknown as InternalHorzScaleItem;
  }
  key(item: InternalHorzScaleItem | number): InternalHorzScaleItemKey {
    return item as unknown as InternalHorzScaleItemKey;
  }
  cacheKey(item: InternalHorzScaleItem): number {
    return item as unknown as number;
  }
  convertHorzItemToInternal(item: number): InternalHorzScaleItem {
    return item as unknown as InternalHorzScaleItem;
  }
  /** The crosshair's label: one more decimal than the ticks. */
  formatHorzItem(item: InternalHorzScaleItem): string {
    return this.#format(item as unknown as number, 1);
  }
  /** A tick's label: the tick's own value, which the slot carrying it may sit beside. */
  formatTickmark(mark: TickMark): string {
    const { tick } = this.view();
    const x = mark.time as unknown as number;
    return this.#format(Math.round(x / tick.step) * tick.step, 0);
  }
  maxTickMarkWeight(marks: TimeMark[]): TickMarkWeightValue {
    let max = marks[0].weight;
    for (const m of marks) if (m.weight > max) max = m.weight;
    return max;
  }
  fillWeightsForPoints(
    points: readonly Mutable<TimeScalePoint>[],
    startIndex: number,
  ): void {
    const { grid, tick } = this.view();
    // the slot nearest each tick carries it: a rolling grid's step is not a 1-2-5 value, so
    // its slots fall beside the ticks (within half a slot, a quarter of a pixel)
    const tolerance = grid.step / 2;
    for (let i = startIndex; i < points.length; i++) {
      const x = points[i].time as unknown as number;
      const k = Math.round(x / tick.step);
      let weight = 0;
      if (Math.abs(x - k * tick.step) < tolerance) {
        weight = k % 10 === 0 ? 3 : k % 5 === 0 ? 2 : 1;
      }
      points[i].timeWeight = weight as TickMarkWeightValue;
    }
  }

  #format(x: number, extraDecimals: number): string {
    const { tick, clock } = this.view();
    const decimals = Math.max(0, -tick.exponent) + extraDecimals;
    return clock ? formatClock(x, decimals) : formatX(x, decimals);
  }
}
