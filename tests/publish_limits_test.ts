// With the default configuration no honest publisher is refused while the server has room;
// under real saturation the heaviest address is refused first, and never silently.
import assert from "node:assert/strict";
import { post, send, withServer } from "./helpers.ts";

Deno.test("publish limits - one fast local publisher on 8 connections loses nothing by default", async () => {
  await withServer({}, async (base) => {
    let sent = 0;
    let refused = 0;
    const until = Date.now() + 2000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, id) => {
        for (let i = 0; Date.now() < until && i < 100_000; i++) {
          const res = await post(base, {
            channel: `c${id}`,
            x: i,
            y: i % 7,
          });
          sent++;
          if (res.status !== 200) refused++;
        }
      }),
    );
    assert.ok(sent > 2000, `only ${sent} requests in 2 s`);
    assert.equal(refused, 0, `${refused} of ${sent} refused`);
    const status = (await send(`${base}/status`)).json;
    const stored = status.channels.reduce(
      (n: number, c: { count: number }) => n + c.count,
      0,
    );
    assert.equal(stored, sent, "every point sent is stored");
  });
});

Deno.test("publish limits - when the event loop stalls, the heaviest address is refused and a light one served", async () => {
  await withServer({ OSC_TRUST_PROXY: "1" }, async (base) => {
    const from = (address: string) => ({
      headers: { "x-forwarded-for": address },
    });
    for (let i = 0; i < 300; i++) {
      assert.equal((await post(base, { y: i }, from("10.0.0.1"))).status, 200);
      if (i % 30 === 0) {
        assert.equal(
          (await post(base, { y: i, channel: "polite" }, from("10.0.0.2")))
            .status,
          200,
        );
      }
    }
    // hold the event loop (the server's too: it runs in this process) past the threshold
    const stall = performance.now() + 300;
    while (performance.now() < stall) { /* busy */ }
    await new Promise((r) => setTimeout(r, 80));

    const heavy = await post(base, { y: 1 }, from("10.0.0.1"));
    assert.equal(heavy.status, 429, heavy.text);
    assert.equal(heavy.json.field, "rate");
    assert.match(heavy.json.message, /saturated \(event-loop delay \d+ ms\)/);
    assert.match(heavy.json.message, /batches/);
    assert.ok(Number(heavy.headers.get("retry-after")) >= 1);
    const light = await post(
      base,
      { y: 1, channel: "polite" },
      from("10.0.0.2"),
    );
    assert.equal(light.status, 200, light.text);

    // once the loop keeps up again, the heavy address is served again
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await post(base, { y: 2 }, from("10.0.0.1"))).status, 200);
    const status = (await send(`${base}/status`)).json;
    assert.equal(status.refused.total, 1);
    assert.equal(status.refused.last.reason, "rate_limited");
  });
});

Deno.test("publish limits - OSC_PUBLISH_RATE is a fixed cap that says which variable sets it", async () => {
  await withServer(
    { OSC_PUBLISH_RATE: "1", OSC_PUBLISH_BURST: "2" },
    async (base) => {
      assert.equal((await post(base, { y: 1 })).status, 200);
      assert.equal((await post(base, { y: 1 })).status, 200);
      const third = await post(base, { y: 1 });
      assert.equal(third.status, 429);
      assert.match(third.json.message, /OSC_PUBLISH_RATE/);
      assert.match(third.json.message, /batches/);
    },
  );
});
