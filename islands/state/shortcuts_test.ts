import assert from "node:assert/strict";
import { type KeyLike, shortcutFor, SHORTCUTS } from "./shortcuts.ts";

function key(k: string, more: Partial<KeyLike> = {}): KeyLike {
  return {
    key: k,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    targetTag: "BODY",
    ...more,
  };
}

Deno.test("shortcuts - letters and Space reach the scope when nothing else wants them", () => {
  assert.equal(shortcutFor(key(" "))?.description, "Run / Stop");
  assert.equal(shortcutFor(key("S"))?.description, "Single capture");
  assert.equal(shortcutFor(key("?"))?.description, "This help");
  assert.equal(shortcutFor(key("q")), null);
  // a focused radio or slider keeps its arrows, but letters still work there
  assert.equal(
    shortcutFor(key("ArrowLeft", { targetTag: "INPUT", targetType: "radio" })),
    null,
  );
  assert.equal(
    shortcutFor(key("t", { targetTag: "INPUT", targetType: "range" }))
      ?.description,
    "Trigger on / off",
  );
});

Deno.test("shortcuts - typing, browser shortcuts and pressed buttons are left alone", () => {
  assert.equal(
    shortcutFor(key("s", { targetTag: "INPUT", targetType: "number" })),
    null,
  );
  assert.equal(shortcutFor(key("s", { targetTag: "SELECT" })), null);
  assert.equal(shortcutFor(key("c", { ctrlKey: true })), null);
  assert.equal(shortcutFor(key(" ", { targetTag: "BUTTON" })), null);
  assert.equal(
    shortcutFor(key("Escape", { targetTag: "INPUT", targetType: "text" }))
      ?.label,
    "Esc",
  );
});

Deno.test("shortcuts - no key means two things", () => {
  const seen = new Map<string, string>();
  for (const s of SHORTCUTS) {
    for (const k of s.keys) {
      assert.ok(!seen.has(k), `${k} is bound twice`);
      seen.set(k, s.description);
    }
  }
});
