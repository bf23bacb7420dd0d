import type { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import type { XWindow } from "../../lib/scope/timebase.ts";

/** Screen coordinates to the chart's axes and back, while the chart exists. */
export interface Mapper {
  xToPx(x: number): number | null;
  pxToX(px: number): number | null;
  yToPx(name: string, y: number): number | null;
  pxToY(name: string, px: number): number | null;
  /** the chart element's box on the page */
  rect(): DOMRect;
  /** x the time axis counts from (cursors are kept in axis units: they stay put on screen) */
  origin(): number;
  plotSize(): { width: number; height: number };
}

/** What the panel's export buttons do, once the scope runs. */
export interface ScopeActions {
  /** CSV of the points on screen, built in the page */
  csvWindow: () => void;
  /** PNG of the screen */
  png: () => void;
  /** the link that restores this view */
  shareUrl: () => string;
  /** DELETE /data */
  clear: () => void;
}

/** The running scope as the state and the markup see it: what only the browser has. */
export interface RunningScope {
  /** the x range on screen now; the chart owns it */
  window(): XWindow | null;
  /** the live traces' rings, by channel */
  records(): ReadonlyMap<string, RingBuffer>;
  mapper: Mapper;
  actions: ScopeActions;
}

const NO_RECORDS: ReadonlyMap<string, RingBuffer> = new Map();

/**
 * The one seam between the scope's state (and markup) and its runtime. The state gets it as a
 * constructor argument; the runtime connects to it once the chart and the feed exist and
 * disconnects when it is disposed. Until then (on the server, in a unit test) there is no
 * window, no record and no mapper, and the actions do nothing.
 */
export class ScopePort {
  #running: RunningScope | null = null;

  /** Connects the running scope; returns the function that disconnects it. */
  connect(running: RunningScope): () => void {
    this.#running = running;
    return () => {
      if (this.#running === running) this.#running = null;
    };
  }

  window(): XWindow | null {
    return this.#running?.window() ?? null;
  }

  records(): ReadonlyMap<string, RingBuffer> {
    return this.#running?.records() ?? NO_RECORDS;
  }

  get mapper(): Mapper | null {
    return this.#running?.mapper ?? null;
  }

  readonly actions: ScopeActions = {
    csvWindow: () => this.#running?.actions.csvWindow(),
    png: () => this.#running?.actions.png(),
    shareUrl: () => this.#running?.actions.shareUrl() ?? location.href,
    clear: () => this.#running?.actions.clear(),
  };
}
