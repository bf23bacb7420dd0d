import {
  arraySamples,
  lowerBound,
  type Samples,
  upperBound,
} from "./samples.ts";
import { Detector, type TriggerSpec } from "./trigger.ts";

/**
 * Follows one source's triggers incrementally: each `update` scans only the samples that
 * arrived since the previous one (x greater than the newest seen), so a trace with no triggers
 * costs nothing per frame. A new source, a changed spec, or x going back starts over.
 */
export class TriggerScanner {
  #source: Samples | null = null;
  #spec: TriggerSpec | null = null;
  #detector: Detector | null = null;
  #doneX = -Infinity;
  // trigger x values, ascending; those before #head fell out of the source
  readonly #times: number[] = [];
  // the same list as Samples, for the binary searches
  readonly #list = arraySamples(this.#times, this.#times);
  #head = 0;

  /** Scans what arrived in `s` since the last call; never throws. */
  update(s: Samples, spec: TriggerSpec): void {
    const n = s.size;
    const old = this.#spec;
    const same = old !== null && old.level === spec.level &&
      old.edge === spec.edge && old.hysteresis === spec.hysteresis &&
      old.holdoffX === spec.holdoffX;
    // x going back is a restarted sender; x0 past the last scanned x means more arrived than
    // the source holds, so the detector's state no longer fits it
    if (
      !same || s !== this.#source || n === 0 || s.xAt(n - 1) < this.#doneX ||
      s.xAt(0) > this.#doneX
    ) {
      this.#source = s;
      this.#spec = { ...spec };
      this.#detector = new Detector(spec);
      this.#doneX = -Infinity;
      this.#times.length = 0;
      this.#head = 0;
    }
    if (n === 0) return;
    const from = upperBound(s, this.#doneX);
    if (from < n) {
      this.#detector!.scan(s, from, n, this.#times);
      this.#doneX = s.xAt(n - 1);
    }
    const x0 = s.xAt(0);
    while (this.#head < this.#times.length && this.#times[this.#head] < x0) {
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Trigger x values still inside the source, oldest first (a copy). */
  triggers(): number[] {
    return this.#times.slice(this.#head);
  }

  /** Newest trigger in [minX, maxX], or null. */
  newest(minX: number, maxX: number): number | null {
    const i = upperBound(this.#list, maxX, this.#head) - 1;
    return i >= this.#head && this.#times[i] >= minX ? this.#times[i] : null;
  }

  /** Oldest trigger with x > afterX and x >= minX, or null. */
  firstAfter(afterX: number, minX: number): number | null {
    const i = Math.max(
      upperBound(this.#list, afterX, this.#head),
      lowerBound(this.#list, minX, this.#head),
    );
    return i < this.#times.length ? this.#times[i] : null;
  }
}
