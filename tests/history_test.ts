// An hour of a channel, fed fast (1 kHz, 3.6M points), and windows of it read back over HTTP:
// what was held beyond the ring comes from the history's buckets, and says so.
import assert from "node:assert/strict";
import { postHour } from "./fixtures/hour.ts";
import { send, withServer } from "./helpers.ts";

Deno.test("history - an hour at 1 kHz: any minute of it reads back with its amplitude, from the buckets beyond the ring", async () => {
  await withServer(
    { OSC_MAX_BODY: "8MiB", OSC_PUBLISH_RATE: "0" },
    async (base) => {
      await postHour(base, "hour");
      // the whole hour at 2000 points
      const all =
        (await send(`${base}/data?channel=hour&from=0&to=3600&max_points=2000`))
          .json
          .channels.hour;
      assert.ok(
        all.x.length <= 2000 && all.x.length > 1000,
        `${all.x.length} points`,
      );
      assert.ok(
        all.held.from < 0.01 && all.held.to > 3599.99,
        JSON.stringify(all.held),
      );
      // seconds 0 … 3500 from 1 s buckets, the last 100 s (the ring) from every point, and
      // between them what the finer levels hold of the last points the ring let go: each
      // finer than a column (7.2 s), so the same picture
      const resolutions = all.resolution.map((p: { resolution: number }) =>
        p.resolution
      );
      assert.equal(resolutions[0], 1);
      assert.equal(resolutions.at(-1), 0);
      assert.ok(resolutions.every((r: number) => r <= 3600 / 500));
      assert.ok(all.resolution[0].to > 3490, JSON.stringify(all.resolution));
      // every minute's envelope is its amplitude
      for (const minute of [0, 17, 42, 59]) {
        const w = (await send(
          `${base}/data?channel=hour&from=${minute * 60}&to=${
            minute * 60 + 60
          }&max_points=2000`,
        )).json.channels.hour;
        const highest = Math.max(...w.y);
        const lowest = Math.min(...w.y);
        assert.ok(
          Math.abs(highest - (minute + 1)) < 0.01,
          `minute ${minute}: max ${highest}`,
        );
        assert.ok(
          Math.abs(lowest + minute + 1) < 0.01,
          `minute ${minute}: min ${lowest}`,
        );
        assert.ok(
          w.x.every((v: number) => v >= minute * 60 && v <= minute * 60 + 60),
        );
      }
      // inside the ring: full resolution, every point of a short window
      const recent = (await send(
        `${base}/data?channel=hour&from=3590&to=3590.1&max_points=2000`,
      ))
        .json.channels.hour;
      assert.deepEqual(recent.resolution, [{
        from: 3590,
        to: 3590.1,
        resolution: 0,
      }]);
      assert.equal(recent.x.length, 100);

      // bad windows get a clear error
      for (
        const [q, field] of [
          ["from=abc", "from"],
          ["from=5&to=1", "from"],
          ["from=0&to=1&max_points=2", "max_points"],
          ["from=0&to=1&format=csv", "format"],
        ]
      ) {
        const res = await send(`${base}/data?channel=hour&${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.json.field, field, q);
      }
      const metrics = (await send(`${base}/metrics`)).text;
      const bytes = Number(/osc_history_bytes (\d+)/.exec(metrics)?.[1]);
      assert.ok(
        bytes > 0 && bytes <= 6 * 8192 * 64,
        `${bytes} bytes of history`,
      );
    },
  );
});
