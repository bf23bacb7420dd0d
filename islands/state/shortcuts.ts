import type { ScopeModel } from "./model.ts";

/** A keyboard shortcut: the keys shown in the help, and what they do. */
export interface Shortcut {
  /** `KeyboardEvent.key` values that trigger it */
  keys: string[];
  /** how the help overlay writes the keys */
  label: string;
  description: string;
  run: (m: ScopeModel, e: KeyLike) => void;
}

/** The parts of a KeyboardEvent a shortcut looks at (so the table is testable without a DOM). */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** tag name of the focused element, upper case ("INPUT", "BUTTON", ...) */
  targetTag: string;
  /** the focused element's type attribute, for inputs */
  targetType?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: [" "],
    label: "Space",
    description: "Run / Stop",
    run: (m) => m.toggleRun(),
  },
  {
    keys: ["s", "S"],
    label: "S",
    description: "Single capture",
    run: (m) => m.single(),
  },
  {
    keys: ["t", "T"],
    label: "T",
    description: "Trigger on / off",
    run: (m) => m.toggleTrigger(),
  },
  {
    keys: ["e", "E"],
    label: "E",
    description: "Trigger edge rising / falling",
    run: (m) => m.toggleEdge(),
  },
  {
    keys: ["ArrowUp"],
    label: "↑ ↓",
    description: "Trigger level (Shift: fine)",
    run: (m, e) => m.nudgeLevel(1, e.shiftKey),
  },
  {
    keys: ["ArrowDown"],
    label: "",
    description: "",
    run: (m, e) => m.nudgeLevel(-1, e.shiftKey),
  },
  {
    keys: ["[", "ArrowLeft"],
    label: "[ ←",
    description: "Faster timebase (less time/div)",
    run: (m) => m.stepTimebase(-1),
  },
  {
    keys: ["]", "ArrowRight"],
    label: "] →",
    description: "Slower timebase (more time/div)",
    run: (m) => m.stepTimebase(1),
  },
  {
    keys: ["r", "R"],
    label: "R",
    description: "Roll mode on / off",
    run: (m) => m.toggleRoll(),
  },
  {
    keys: ["a", "A"],
    label: "A",
    description: "Autoset: timebase, trigger and scale from the signal",
    run: (m) => m.autoset(),
  },
  {
    keys: ["+", "="],
    label: "+ −",
    description: "Zoom in / out (freezes the view)",
    run: (m) => m.zoomBy(0.5),
  },
  {
    keys: ["-", "_"],
    label: "",
    description: "",
    run: (m) => m.zoomBy(2),
  },
  {
    keys: ["l", "L"],
    label: "L",
    description: "Live: leave zoom, run",
    run: (m) => m.live(),
  },
  {
    keys: ["c", "C"],
    label: "C",
    description: "Cursors on / off",
    run: (m) => m.toggleCursors(),
  },
  {
    keys: ["f", "F"],
    label: "F",
    description: "FFT view on / off",
    run: (m) => m.toggleDisplay("fft"),
  },
  {
    keys: ["x", "X"],
    label: "X",
    description: "XY view on / off",
    run: (m) => m.toggleDisplay("xy"),
  },
  {
    keys: ["1", "2", "3", "4", "5", "6", "7", "8"],
    label: "1–8",
    description: "Show / hide channel 1–8",
    run: (m, e) => {
      const c = m.names.peek()[Number(e.key) - 1];
      if (c) m.toggleChannel(c);
    },
  },
  {
    keys: ["?"],
    label: "?",
    description: "This help",
    run: (m) => (m.helpOpen.value = !m.helpOpen.value),
  },
  {
    keys: ["Escape"],
    label: "Esc",
    description: "Close the help or the control drawer",
    run: (m) => {
      m.helpOpen.value = false;
      m.drawerOpen.value = false;
    },
  },
];

// fields where letters are text: every key but Escape is theirs
const TEXT_INPUTS = new Set([
  "text",
  "number",
  "search",
  "email",
  "url",
  "password",
  "tel",
]);
const ARROWS = [" ", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"];
// keys a focused control uses itself: Space and Enter press buttons, arrows move sliders/radios
const OWN_KEYS: Record<string, Set<string>> = {
  BUTTON: new Set([" ", "Enter"]),
  A: new Set([" ", "Enter"]),
  SUMMARY: new Set([" ", "Enter"]),
  INPUT: new Set([...ARROWS, "Home", "End", "PageUp", "PageDown"]),
};

/**
 * The shortcut a key press means, or null: none while typing in a field (except Escape), with
 * Ctrl, Alt or Meta held (browser and OS shortcuts), or for keys the focused control handles.
 */
export function shortcutFor(e: KeyLike): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key !== "Escape") {
    const text = e.targetTag === "TEXTAREA" || e.targetTag === "SELECT" ||
      (e.targetTag === "INPUT" && TEXT_INPUTS.has(e.targetType ?? "text"));
    if (text) return null;
    if (OWN_KEYS[e.targetTag]?.has(e.key)) return null;
  }
  return SHORTCUTS.find((s) => s.keys.includes(e.key)) ?? null;
}
