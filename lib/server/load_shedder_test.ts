import assert from "node:assert/strict";
import { LoadShedder } from "./load_shedder.ts";

function shedder(extra: { maxInFlight?: number } = {}) {
  let nowMs = 10_000;
  const s = new LoadShedder({
    maxLagMs: 100,
    maxInFlight: extra.maxInFlight ?? 1000,
    now: () => nowMs,
  });
  return { s, advance: (ms: number) => (nowMs += ms) };
}

/** Sends `n` requests from `key`, spread evenly over `ms`; returns how many were refused. */
function send(
  t: ReturnType<typeof shedder>,
  key: string,
  n: number,
  ms: number,
  inFlight = 1,
): number {
  let refused = 0;
  for (let i = 0; i < n; i++) {
    if (!t.s.admit(key, inFlight).ok) refused++;
    t.advance(ms / n);
  }
  return refused;
}

Deno.test("load shedder - never refuses while the server keeps up, however fast one address sends", () => {
  const t = shedder();
  assert.equal(send(t, "fast", 50_000, 1000), 0);
  t.s.observeLag(20);
  assert.equal(send(t, "fast", 50_000, 1000), 0);
});

Deno.test("load shedder - when saturated, refuses the heaviest address and serves a light one", () => {
  const t = shedder();
  // a flood and a polite 20/s publisher, interleaved
  for (let i = 0; i < 20; i++) {
    send(t, "flood", 100, 25);
    send(t, "polite", 1, 25);
  }
  t.s.observeLag(250);
  assert.equal(t.s.saturated, true);
  let flood = 0;
  let polite = 0;
  for (let i = 0; i < 10; i++) {
    flood += send(t, "flood", 100, 25);
    polite += send(t, "polite", 1, 25);
  }
  assert.ok(flood > 900, `${flood} of 1000 flood requests refused`);
  assert.equal(polite, 0, "the polite publisher loses nothing");
  const refusal = t.s.admit("flood", 1);
  assert.equal(refusal.ok, false);
  assert.match(!refusal.ok ? refusal.cause : "", /event-loop delay 250 ms/);
});

Deno.test("load shedder - saturation ends a hold time after the last sign of it", () => {
  const t = shedder();
  send(t, "a", 500, 500);
  t.s.observeLag(300);
  assert.equal(t.s.admit("a", 1).ok, false);
  t.advance(1100);
  assert.equal(t.s.saturated, false);
  assert.equal(send(t, "a", 500, 500), 0);
});

Deno.test("load shedder - requests piling up count as saturation too", () => {
  const t = shedder({ maxInFlight: 10 });
  send(t, "a", 200, 1000);
  assert.equal(t.s.admit("a", 11).ok, false);
  assert.equal(
    t.s.admit("b", 11).ok,
    true,
    "a newcomer below the minimum rate",
  );
});

Deno.test("load shedder - addresses sharing the load evenly are all below a fair share", () => {
  const t = shedder();
  for (let i = 0; i < 10; i++) {
    for (const k of ["a", "b", "c", "d"]) send(t, k, 50, 25);
  }
  t.s.observeLag(500);
  // each sends exactly the fair share; the one that sends more than the others is refused
  assert.equal(send(t, "a", 10, 10), 10);
  let refused = 0;
  for (const k of ["b", "c", "d"]) refused += send(t, k, 1, 1);
  assert.equal(refused, 0);
});

Deno.test("load shedder - the number of tracked addresses is bounded", () => {
  let nowMs = 0;
  const s = new LoadShedder({
    maxLagMs: 100,
    maxInFlight: 1000,
    maxKeys: 100,
    now: () => nowMs++,
  });
  for (let i = 0; i < 10_000; i++) s.admit(`10.0.${i >> 8}.${i & 255}`, 1);
  s.observeLag(500);
  assert.equal(s.admit("new", 1).ok, true);
});
