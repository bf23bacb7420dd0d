/** How often the event loop's delay is measured. */
const LAG_PROBE_MS = 50;

/**
 * Event-loop lag: how late a 50 ms timer fires. `onLag` hears every reading (the load shedder);
 * `worstSinceLastRead` gives the worst since it was last called (the /metrics gauge).
 */
export class LagProbe {
  #timer: ReturnType<typeof setInterval> | undefined;
  #worstMs = 0;

  constructor(readonly onLag: (lateMs: number) => void) {}

  start(): void {
    let expected = performance.now() + LAG_PROBE_MS;
    this.#timer = setInterval(() => {
      const now = performance.now();
      const late = Math.max(0, now - expected);
      this.#worstMs = Math.max(this.#worstMs, late);
      this.onLag(late);
      expected = now + LAG_PROBE_MS;
    }, LAG_PROBE_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The worst lag in ms since the last call, then starts over. */
  worstSinceLastRead(): number {
    const worst = this.#worstMs;
    this.#worstMs = 0;
    return worst;
  }
}
