import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("rate limit - a burst is allowed, then one request per 1/rate seconds", () => {
  let now = 0;
  const limiter = new RateLimiter(10, 3, 100, () => now);
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take("a"), { ok: true });
  assert.deepEqual(limiter.take("a"), { ok: false, retryAfterSeconds: 1 });
  now += 100; // one token back
  assert.deepEqual(limiter.take("a"), { ok: true });
  assert.equal(limiter.take("a").ok, false);
  now += 10_000; // refills to the burst, no further
  for (let i = 0; i < 3; i++) assert.equal(limiter.take("a").ok, true);
  assert.equal(limiter.take("a").ok, false);
});

Deno.test("rate limit - keys are independent", () => {
  const limiter = new RateLimiter(1, 1, 100, () => 0);
  assert.equal(limiter.take("a").ok, true);
  assert.equal(limiter.take("a").ok, false);
  assert.equal(limiter.take("b").ok, true);
});

Deno.test("rate limit - a flood of addresses keeps the map bounded", () => {
  const limiter = new RateLimiter(1, 1, 50, () => 0);
  for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(limiter.size, 50);
});

Deno.test("rate limit - Retry-After grows with how far below one token a slow rate is", () => {
  let now = 0;
  const limiter = new RateLimiter(0.1, 1, 10, () => now);
  limiter.take("a");
  assert.deepEqual(limiter.take("a"), { ok: false, retryAfterSeconds: 10 });
  now += 5000;
  assert.deepEqual(limiter.take("a"), { ok: false, retryAfterSeconds: 5 });
});
