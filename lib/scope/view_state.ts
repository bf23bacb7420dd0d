import { WINDOW_NAMES, type WindowName } from "./fft.ts";
import type { Edge, TriggerMode } from "./trigger.ts";
import { CHANNEL_PATTERN, DECIMAL } from "../shared/names.ts";

/** Everything a shared link restores about the scope's view. */
export interface ViewState {
  /** x units per division; null = roll/auto-fit */
  timePerDiv: number | null;
  roll: boolean;
  trigger: {
    enabled: boolean;
    /** channel the trigger watches */
    source: string | null;
    edge: Edge;
    /** y units */
    level: number;
    mode: TriggerMode;
    /** 0..1 of the sweep before the trigger */
    preFraction: number;
    holdoffX: number;
  };
  /** channel names hidden */
  hidden: string[];
  /** channels with a fixed scale (y units per division, offset in y units); absent = autoscale */
  vertical: Record<string, { voltsPerDiv: number; offset: number }>;
  /** frozen zoom window, x units */
  zoom: { fromX: number; toX: number } | null;
  view: "yt" | "xy" | "fft";
  xy: { x: string; y: string } | null;
  fftWindow: WindowName;
  running: boolean;
}

/** A fresh copy of the default view, safe to change. */
export function defaultView(): ViewState {
  return {
    timePerDiv: null,
    roll: true,
    trigger: {
      enabled: false,
      source: null,
      edge: "rising",
      level: 0,
      mode: "auto",
      preFraction: 0.5,
      holdoffX: 0,
    },
    hidden: [],
    vertical: {},
    zoom: null,
    view: "yt",
    xy: null,
    fftWindow: "hann",
    running: true,
  };
}

/** The view with no query: frozen, so a caller that changes it by mistake gets an error. */
export const DEFAULT_VIEW: ViewState = deepFreeze(defaultView());

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const EDGES: readonly Edge[] = ["rising", "falling"];
const MODES: readonly TriggerMode[] = ["auto", "normal", "single"];
const VIEWS: readonly ViewState["view"][] = ["yt", "xy", "fft"];
// one key per field, so a link with one bad value loses only that value
const VERTICAL_PREFIX = "y.";

/**
 * The query string (without "?") for `v`: only the fields that differ from DEFAULT_VIEW, under
 * short keys, e.g. `t=0.001&trig=1&src=adc:0&level=0.5&hide=a,b&y.adc:0=0.5,-1`. Values
 * decodeView would reject (NaN, bad channel names) are left out.
 */
export function encodeView(v: ViewState): string {
  const d = DEFAULT_VIEW;
  const parts: string[] = [];
  const put = (key: string, value: string) =>
    parts.push(`${escape(key)}=${escape(value)}`);
  if (v.timePerDiv !== null && positive(v.timePerDiv)) {
    put("t", num(v.timePerDiv));
  }
  if (v.roll !== d.roll) put("roll", bit(v.roll));
  const t = v.trigger;
  if (t.enabled !== d.trigger.enabled) put("trig", bit(t.enabled));
  if (t.source !== null && isChannel(t.source)) put("src", t.source);
  if (t.edge !== d.trigger.edge && EDGES.includes(t.edge)) put("edge", t.edge);
  if (t.level !== d.trigger.level && finite(t.level)) {
    put("level", num(t.level));
  }
  if (t.mode !== d.trigger.mode && MODES.includes(t.mode)) put("tmode", t.mode);
  if (t.preFraction !== d.trigger.preFraction && finite(t.preFraction)) {
    put("pre", num(Math.min(1, Math.max(0, t.preFraction))));
  }
  if (
    t.holdoffX !== d.trigger.holdoffX && t.holdoffX >= 0 && finite(t.holdoffX)
  ) {
    put("hold", num(t.holdoffX));
  }
  const hidden = v.hidden.filter(isChannel);
  if (hidden.length > 0) put("hide", hidden.join(","));
  for (const name of Object.keys(v.vertical).sort()) {
    const { voltsPerDiv, offset } = v.vertical[name];
    if (isChannel(name) && positive(voltsPerDiv) && finite(offset)) {
      put(VERTICAL_PREFIX + name, `${num(voltsPerDiv)},${num(offset)}`);
    }
  }
  if (
    v.zoom !== null && finite(v.zoom.fromX) && v.zoom.fromX < v.zoom.toX &&
    finite(v.zoom.toX)
  ) {
    put("zoom", `${num(v.zoom.fromX)},${num(v.zoom.toX)}`);
  }
  if (v.view !== d.view && VIEWS.includes(v.view)) put("view", v.view);
  if (v.xy !== null && isChannel(v.xy.x) && isChannel(v.xy.y)) {
    put("xy", `${v.xy.x},${v.xy.y}`);
  }
  if (v.fftWindow !== d.fftWindow && WINDOW_NAMES.includes(v.fftWindow)) {
    put("win", v.fftWindow);
  }
  if (v.running !== d.running) put("run", bit(v.running));
  return parts.join("&");
}

/**
 * The view a query string (with or without "?") describes. Never throws: a missing, malformed,
 * unknown or out-of-range value leaves its field at the default (preFraction is clamped to
 * 0..1 instead), and unknown keys such as `token` are ignored.
 */
export function decodeView(query: string): ViewState {
  const v = defaultView();
  if (typeof query !== "string") return v;
  const q = new URLSearchParams(query);
  const t = q.get("t");
  if (t !== null) v.timePerDiv = parsePositive(t) ?? null;
  v.roll = parseBit(q.get("roll")) ?? v.roll;
  const trig = v.trigger;
  trig.enabled = parseBit(q.get("trig")) ?? trig.enabled;
  trig.source = parseChannel(q.get("src")) ?? trig.source;
  trig.edge = oneOf(q.get("edge"), EDGES) ?? trig.edge;
  trig.level = parseFinite(q.get("level")) ?? trig.level;
  trig.mode = oneOf(q.get("tmode"), MODES) ?? trig.mode;
  const pre = parseFinite(q.get("pre"));
  if (pre !== undefined) trig.preFraction = Math.min(1, Math.max(0, pre));
  const hold = parseFinite(q.get("hold"));
  if (hold !== undefined && hold >= 0) trig.holdoffX = hold;
  const hide = q.get("hide");
  if (hide !== null) {
    v.hidden = [...new Set(hide.split(",").filter(isChannel))];
  }
  for (const [key, value] of q) {
    if (!key.startsWith(VERTICAL_PREFIX)) continue;
    const name = key.slice(VERTICAL_PREFIX.length);
    const [vpd, offset = "0", ...rest] = value.split(",");
    const voltsPerDiv = parsePositive(vpd);
    const off = parseFinite(offset);
    if (
      isChannel(name) && voltsPerDiv !== undefined && off !== undefined &&
      rest.length === 0 && !Object.hasOwn(v.vertical, name)
    ) {
      // defineProperty, so a channel named __proto__ is a key and not the prototype
      Object.defineProperty(v.vertical, name, {
        value: { voltsPerDiv, offset: off },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  const zoom = pair(q.get("zoom"));
  if (zoom !== null) {
    const fromX = parseFinite(zoom[0]);
    const toX = parseFinite(zoom[1]);
    if (fromX !== undefined && toX !== undefined && fromX < toX) {
      v.zoom = { fromX, toX };
    }
  }
  v.view = oneOf(q.get("view"), VIEWS) ?? v.view;
  const xy = pair(q.get("xy"));
  if (xy !== null && isChannel(xy[0]) && isChannel(xy[1])) {
    v.xy = { x: xy[0], y: xy[1] };
  }
  v.fftWindow = oneOf(q.get("win"), WINDOW_NAMES) ?? v.fftWindow;
  v.running = parseBit(q.get("run")) ?? v.running;
  return v;
}

/** encodeURIComponent, but keeping "," and ":" (legal in a query) so links stay readable. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/%2C/gi, ",").replace(/%3A/gi, ":");
}

/** Shortest text that reads back as the same double; -0 is written as 0. */
function num(n: number): string {
  return String(n === 0 ? 0 : n);
}

function bit(b: boolean): string {
  return b ? "1" : "0";
}

function finite(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

function positive(n: unknown): n is number {
  return finite(n) && n > 0;
}

function isChannel(name: unknown): name is string {
  return typeof name === "string" && CHANNEL_PATTERN.test(name);
}

function parseFinite(s: string | null | undefined): number | undefined {
  if (s === null || s === undefined || !DECIMAL.test(s)) return undefined;
  const n = Number(s);
  // + 0 turns -0 into 0, so a decoded view compares equal to the default
  return Number.isFinite(n) ? n + 0 : undefined;
}

function parsePositive(s: string | null | undefined): number | undefined {
  const n = parseFinite(s);
  return n !== undefined && n > 0 ? n : undefined;
}

function parseBit(s: string | null): boolean | undefined {
  if (s === "1" || s === "true" || s === "on") return true;
  if (s === "0" || s === "false" || s === "off") return false;
  return undefined;
}

function parseChannel(s: string | null): string | undefined {
  return isChannel(s) ? s : undefined;
}

function oneOf<T extends string>(
  s: string | null,
  allowed: readonly T[],
): T | undefined {
  return (allowed as readonly string[]).includes(s as string)
    ? s as T
    : undefined;
}

/** "a,b" as [a, b], or null when it is not exactly two comma-separated parts. */
function pair(s: string | null): [string, string] | null {
  if (s === null) return null;
  const parts = s.split(",");
  return parts.length === 2 ? [parts[0], parts[1]] : null;
}
