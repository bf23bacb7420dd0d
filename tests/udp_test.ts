// UDP in Teleplot's format: datagrams from a plain socket to the oscilloscope's OSC_UDP_PORT.
import assert from "node:assert/strict";
import { freeUdpPort } from "../tools/bench/procs.ts";
import { post, send, withServer } from "./helpers.ts";
import { eventually } from "./stores.ts";
import { viewer } from "./viewers.ts";

const enc = new TextEncoder();

async function sendDatagrams(port: number, datagrams: string[]): Promise<void> {
  const s = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    for (const d of datagrams) {
      await s.send(enc.encode(d), {
        transport: "udp",
        hostname: "127.0.0.1",
        port,
      });
    }
  } finally {
    s.close();
  }
}

async function channel(base: string, name: string) {
  const res = await send(`${base}/data?channel=${name}`);
  return res.status === 200 ? res.json.channels[name] : undefined;
}

Deno.test("udp - Teleplot lines land per name; ms timestamps become x in seconds; a viewer sees them", async () => {
  const port = freeUdpPort();
  await withServer({ OSC_UDP_PORT: String(port) }, async (base) => {
    const status = await send(`${base}/status`);
    assert.deepEqual(
      status.json.ways.map((
        w: { name: string; state: string; detail: string },
      ) => [w.name, w.state, w.detail]),
      [["udp", "listening", `0.0.0.0:${port}`]],
    );
    const v = viewer(base);
    await v.opened;
    await sendDatagrams(port, [
      "rpm:1627551892437:1234§rpm|g\nrpm:1627551892447:1240\ntemp:21.5",
      "temp:22",
    ]);
    await eventually(async () => {
      const rpm = await channel(base, "rpm");
      assert.deepEqual(rpm?.x, [1627551892.437, 1627551892.447]);
      assert.deepEqual(rpm?.y, [1234, 1240]);
      assert.deepEqual((await channel(base, "temp"))?.y, [21.5, 22]);
    });
    // live: the viewer got them as points, not only the store
    await v.until((ms) =>
      ms.some((m) => m.type === "points" && m.channel === "rpm")
    );
    await v.close();
  });
});

Deno.test("udp - a bad line is dropped and counted, the rest of its datagram kept", async () => {
  const port = freeUdpPort();
  await withServer({ OSC_UDP_PORT: String(port) }, async (base) => {
    await sendDatagrams(port, ["a:1\na:warm\na:3", "b:text|t", "\u0000\u0001"]);
    await eventually(async () => {
      assert.deepEqual((await channel(base, "a"))?.y, [1, 3]);
      const metrics = (await send(`${base}/metrics`)).text;
      assert.match(metrics, /osc_way_in_total\{way="udp",result="bad"\} 3/);
      assert.match(metrics, /osc_way_in_total\{way="udp",result="stored"\} 2/);
    });
    assert.equal(await channel(base, "b"), undefined);
  });
});

Deno.test("udp - with a publish token set, start-up says UDP carries none", async () => {
  const port = freeUdpPort();
  const logs: string[] = [];
  await withServer(
    { OSC_UDP_PORT: String(port), OSC_PUBLISH_TOKEN: "s3cret" },
    async () => {},
    { writeLog: (l) => logs.push(l) },
  );
  const warning = logs.map((l) => JSON.parse(l)).find((l) =>
    l.msg.includes("UDP carries no token")
  );
  assert.equal(warning?.level, "warn");
  assert.ok(!logs.join("\n").includes("s3cret"));
});

Deno.test("udp - a flood of datagrams does not starve HTTP or viewers", async () => {
  const port = freeUdpPort();
  await withServer(
    { OSC_UDP_PORT: String(port), OSC_PUBLISH_RATE: "0" },
    async (base) => {
      const v = viewer(base);
      await v.opened;
      // another process floods for 3 s (bounded in count and time), 20 lines a datagram
      const flood = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `
        const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
        const d = new TextEncoder().encode(Array.from({ length: 20 }, (_, i) => "flood:" + i).join("\\n"));
        const to = { transport: "udp", hostname: "127.0.0.1", port: ${port} };
        const end = Date.now() + 3000;
        let n = 0;
        while (Date.now() < end && n < 2_000_000) { await s.send(d, to); n++; }
        console.log(n);`,
        ],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      await new Promise((r) => setTimeout(r, 800));
      // a polite publisher and its viewer are still served while the flood goes on
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        const res = await post(base, { channel: "polite", x: i, y: i });
        times.push(performance.now() - t0);
        assert.equal(res.status, 200);
        await new Promise((r) => setTimeout(r, 100));
      }
      await v.until(
        (ms) =>
          ms.some((m) =>
            m.type === "points" && m.channel === "polite" && m.seq === 10
          ),
        3000,
      );
      const out = await flood.output();
      const sent = Number(new TextDecoder().decode(out.stdout).trim());
      const flooded = await channel(base, "flood");
      console.log(
        `flood: ${sent} datagrams sent, ${(flooded?.y.length ??
          0)} of the points held; ` +
          `POST during it: worst ${Math.max(...times).toFixed(1)} ms`,
      );
      assert.ok(sent > 1000, `the flood sent ${sent} datagrams`);
      assert.ok(
        Math.max(...times) < 2000,
        `POSTs took ${times.map((t) => t.toFixed(0))} ms`,
      );
      await v.close();
    },
  );
});
