import { batch } from "@preact/signals";
import { DIVISIONS_X, step125 } from "../../lib/scope/timebase.ts";
import type { Edge, TriggerMode } from "../../lib/scope/trigger.ts";
import type { ViewState } from "../../lib/scope/view_state.ts";
import {
  autoset,
  ensureTriggerable,
  fitVertical,
  levelStep,
  middle,
  tidy,
} from "./auto_settings.ts";
import { ScopeState } from "./scope_state.ts";

/**
 * The front panel's actions on the scope's state (ScopeState, scope_state.ts): what its buttons,
 * knobs and keys do, grouped as the panel is. The ones that pick a setting from the signal's
 * measurements (autoset, 50%, fit volts/div) are in auto_settings.ts.
 */
export class ScopeModel extends ScopeState {
  // --- acquisition -------------------------------------------------------------------------

  run(): void {
    const v = this.view.value;
    batch(() => {
      // Run after a single capture goes back to continuous sweeps
      if (v.trigger.mode === "single") this.updateTrigger({ mode: "auto" });
      this.update({ running: true });
    });
  }

  stop(): void {
    this.update({ running: false });
  }

  toggleRun(): void {
    if (this.view.value.running === true) this.stop();
    else this.run();
  }

  /** Arms the trigger for one capture; turns triggering on if it was off. */
  single(): void {
    batch(() => {
      ensureTriggerable(this);
      this.updateTrigger({ enabled: true, mode: "single" });
      this.update({ roll: false, running: true, zoom: null });
      this.arm.value++;
    });
  }

  /** Back to the live view: no zoom, running. */
  live(): void {
    batch(() => {
      this.update({ zoom: null });
      if (this.view.value.running !== true) this.run();
    });
  }

  // --- timebase ----------------------------------------------------------------------------

  /** One 1-2-5 step of time/div: dir -1 faster (less per division), 1 slower. */
  stepTimebase(dir: 1 | -1): void {
    const v = this.view.value;
    const current = v.timePerDiv ?? this.shownPerDiv();
    if (current === null) return;
    const next = step125(current, dir);
    if (Number.isFinite(next)) this.setTimePerDiv(next);
  }

  /** Sets time/div (null: fit everything held); keeps a zoom's centre. */
  setTimePerDiv(perDiv: number | null): void {
    const v = this.view.value;
    let zoom = v.zoom;
    if (zoom !== null && perDiv !== null) {
      const mid = (zoom.fromX + zoom.toX) / 2;
      const half = (perDiv * DIVISIONS_X) / 2;
      zoom = { fromX: mid - half, toX: mid + half };
    } else if (perDiv === null) {
      zoom = null;
    }
    this.update({ timePerDiv: perDiv, zoom });
  }

  toggleRoll(): void {
    const v = this.view.value;
    if (v.roll === true) {
      batch(() => {
        ensureTriggerable(this);
        this.update({ roll: false });
        this.updateTrigger({ enabled: true });
      });
    } else {
      batch(() => {
        this.update({ roll: true });
        this.updateTrigger({ enabled: false });
      });
    }
  }

  // --- trigger -----------------------------------------------------------------------------

  toggleTrigger(): void {
    const v = this.view.value;
    if (v.trigger.enabled === true && v.roll === false) {
      batch(() => {
        this.updateTrigger({ enabled: false });
        this.update({ roll: true });
      });
    } else {
      batch(() => {
        ensureTriggerable(this);
        this.updateTrigger({ enabled: true });
        this.update({ roll: false });
      });
    }
  }

  setEdge(edge: Edge): void {
    this.updateTrigger({ edge });
  }

  toggleEdge(): void {
    this.setEdge(
      this.view.value.trigger.edge === "rising" ? "falling" : "rising",
    );
  }

  setMode(mode: TriggerMode): void {
    if (mode === "single") return this.single();
    batch(() => {
      this.updateTrigger({ mode });
      if (this.view.value.running !== true) this.update({ running: true });
    });
  }

  setLevel(level: number): void {
    if (Number.isFinite(level)) this.updateTrigger({ level: tidy(level) });
  }

  /** Moves the level by a tenth of a division of the source (a hundredth with `fine`). */
  nudgeLevel(dir: 1 | -1, fine = false): void {
    const step = this.levelStep() * (fine ? 0.1 : 1);
    this.setLevel(this.view.value.trigger.level + dir * step);
  }

  /** The level's arrow-key step: a tenth of a division of the source channel. */
  levelStep(): number {
    return levelStep(this);
  }

  /** The level at the middle of the source's swing (a scope's "50%" button). */
  levelToMiddle(): void {
    const source = this.triggerSource();
    const m = source === null ? null : this.measureOf(source);
    if (m) this.setLevel(middle(m));
  }

  // --- channels and vertical ---------------------------------------------------------------

  toggleChannel(name: string): void {
    const hidden = this.view.value.hidden;
    this.update({
      hidden: hidden.includes(name)
        ? hidden.filter((n) => n !== name)
        : [...hidden, name],
    });
  }

  /** Fixed volts/div and offset for a channel, or autoscale (null). */
  setVertical(
    name: string,
    setting: { voltsPerDiv: number; offset: number } | null,
  ): void {
    const vertical = { ...this.view.value.vertical };
    if (setting === null) delete vertical[name];
    else vertical[name] = setting;
    this.update({ vertical });
  }

  /** One 1-2-5 step of volts/div; from autoscale it starts at what fits the signal. */
  stepVolts(name: string, dir: 1 | -1): void {
    const fixed = this.view.value.vertical[name];
    if (fixed) {
      const next = step125(fixed.voltsPerDiv, dir);
      if (Number.isFinite(next)) {
        this.setVertical(name, { ...fixed, voltsPerDiv: next });
      }
      return;
    }
    this.setVertical(name, this.fitVertical(name));
  }

  /** The fixed setting that fits a channel's swing in about 6 of the 8 divisions. */
  fitVertical(name: string): { voltsPerDiv: number; offset: number } {
    return fitVertical(this, name);
  }

  // --- display -----------------------------------------------------------------------------

  setDisplay(view: ViewState["view"]): void {
    const v = this.view.value;
    if (view === "xy" && v.xy === null) {
      const names = this.names.peek();
      if (names.length >= 2) {
        this.update({ view, xy: { x: names[0], y: names[1] } });
        return;
      }
    }
    this.update({ view });
  }

  /** Switches to a view, or back to Y-T if it is the one on. */
  toggleDisplay(view: "xy" | "fft"): void {
    this.setDisplay(this.view.value.view === view ? "yt" : view);
  }

  toggleCursors(): void {
    if (this.cursors.value !== null) {
      this.cursors.value = null;
      return;
    }
    const w = this.port.window();
    const ref = this.triggerSource();
    if (w === null || ref === null) return;
    const m = this.measureOf(ref);
    const span = w.to - w.from;
    const o = this.origin.peek();
    const lo = m ? m.min : -1;
    const hi = m ? m.max : 1;
    this.cursors.value = {
      x1: tidy(w.from - o + span * 0.3),
      x2: tidy(w.from - o + span * 0.7),
      y1: tidy(lo + (hi - lo) * 0.25),
      y2: tidy(lo + (hi - lo) * 0.75),
      ref,
    };
  }

  // --- zoom --------------------------------------------------------------------------------

  /** Zooms x by `factor` (< 1 in) about `centerX`, from the window on screen. */
  zoomBy(factor: number, centerX?: number): void {
    const w = this.view.value.zoom === null
      ? this.port.window()
      : { from: this.view.value.zoom.fromX, to: this.view.value.zoom.toX };
    if (w === null || !(factor > 0)) return;
    const c = centerX ?? (w.from + w.to) / 2;
    const from = c - (c - w.from) * factor;
    const to = c + (w.to - c) * factor;
    if (!(to - from > Math.max(Math.abs(c) * 1e-12, 1e-300))) return;
    this.update({ zoom: { fromX: from, toX: to } });
  }

  /** Moves the view by `dx` x units (freezing it if it was live). */
  panBy(dx: number): void {
    const w = this.view.value.zoom === null
      ? this.port.window()
      : { from: this.view.value.zoom.fromX, to: this.view.value.zoom.toX };
    if (w === null || !Number.isFinite(dx)) return;
    this.update({ zoom: { fromX: w.from + dx, toX: w.to + dx } });
  }

  // --- autoset -----------------------------------------------------------------------------

  /**
   * Autoset: a timebase showing about three periods of the source, trigger on at the middle of
   * its swing, every channel autoscaled, running live.
   */
  autoset(): void {
    autoset(this);
  }
}
