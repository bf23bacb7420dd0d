// Case 10: the ways in besides HTTP. One oscilloscope with MQTT (Debian's mosquitto on loopback)
// and UDP on, fed in turn by each way at full speed from this process: points stored per second
// (the server's own count) beside HTTP's in the same run; then one value every 20 ms by each way
// and the time until a viewer on /ws parses it, on this process's clock.
import mqtt from "mqtt";
import { metric } from "./publishing.ts";
import type { CaseContext } from "./context.ts";
import { freePort, startMosquitto } from "./procs.ts";

type Ctx = CaseContext;

const IN_FLIGHT = 8;
const COLUMN = 1000;
const UDP_LINES = 20;

type Sender = (until: number, id: () => number) => Promise<void>;

function columns(n: number, at: number): string {
  const x = Array.from({ length: n }, (_, i) => at + i);
  return JSON.stringify({ x, y: x });
}

/** Runs `send` for `seconds` and returns the points the server stored per second meanwhile. */
async function rate(
  base: string,
  seconds: number,
  send: Sender,
): Promise<number> {
  let n = 0;
  const before = await metric(base, "osc_points_accepted_total");
  const t0 = performance.now();
  await send(t0 + seconds * 1000, () => n++);
  const after = await metric(base, "osc_points_accepted_total");
  return (after - before) / ((performance.now() - t0) / 1000);
}

export async function waysInCase(ctx: Ctx): Promise<void> {
  const { out, table, fmt, median, ratio, quick } = ctx;
  const seconds = quick ? 1 : 3;
  const rounds = quick ? 1 : 3;
  const broker = await startMosquitto();
  const udpPort = freePort();
  const server = await ctx.ours({
    OSC_MQTT_URL: broker.url,
    OSC_UDP_PORT: String(udpPort),
    OSC_UDP_HOST: "127.0.0.1",
    OSC_CAPACITY: "100000",
  });
  const client = await mqtt.connectAsync(broker.url, { clientId: "bench-pub" });
  // Nagle on would make the publisher, not the server, the limit (10 KB messages at 500/s)
  (client.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(
    true,
  );
  const udp = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const to = {
    transport: "udp" as const,
    hostname: "127.0.0.1",
    port: udpPort,
  };
  const enc = new TextEncoder();
  try {
    // the subscriber is up before anything is measured
    for (let i = 0; i < 100; i++) {
      const s = await (await fetch(`${server.base}/status`)).json();
      if (
        s.ways.some((w: { name: string; state: string }) =>
          w.name === "mqtt" && w.state === "connected"
        )
      ) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const inFlight = (one: () => Promise<unknown>): Sender => async (until) => {
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < until) await one();
      }));
    };
    let at = 0;
    const ways: [string, Sender][] = [
      [
        "HTTP POST, 1000-point JSON columns",
        inFlight(() =>
          fetch(`${server.base}/data?channel=http_cols`, {
            method: "POST",
            body: columns(COLUMN, at += COLUMN),
          }).then((r) => r.body?.cancel())
        ),
      ],
      [
        "MQTT QoS 1, 1000-point JSON columns a message",
        inFlight(() =>
          client.publishAsync("osc/mqtt_cols", columns(COLUMN, at += COLUMN), {
            qos: 1,
          })
        ),
      ],
      ["UDP, 20 Teleplot lines a datagram", async (until) => {
        const lines = enc.encode(
          Array.from({ length: UDP_LINES }, (_, i) => `udp_lines:${i}`).join(
            "\n",
          ),
        );
        while (performance.now() < until) await udp.send(lines, to);
      }],
      [
        "HTTP POST, one point",
        inFlight(() =>
          fetch(`${server.base}/data?channel=http_one`, {
            method: "POST",
            body: `{"y":${at++}}`,
          }).then((r) => r.body?.cancel())
        ),
      ],
      [
        "MQTT QoS 1, one number a message",
        inFlight(() =>
          client.publishAsync("osc/mqtt_one", String(at++), { qos: 1 })
        ),
      ],
      ["UDP, one line a datagram", async (until) => {
        const line = enc.encode("udp_one:1");
        while (performance.now() < until) await udp.send(line, to);
      }],
    ];
    const results = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (const [name, send] of ways) {
        const pps = await rate(server.base, seconds, send);
        results.set(name, [...(results.get(name) ?? []), pps]);
        // what the broker still holds goes in before the next way starts
        await new Promise((res) => setTimeout(res, 500));
      }
    }

    // latency: one value every 20 ms by each way, timed to a viewer's parse
    const sent = new Map<string, number>();
    const lat = new Map<string, number[]>();
    const ws = new WebSocket(`${server.base.replace("http", "ws")}/ws`);
    await new Promise((r) => (ws.onopen = r));
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const m = JSON.parse(e.data);
      if (m.type !== "points" || !m.channel.startsWith("lat_")) return;
      const now = performance.now();
      for (const y of m.y) {
        const t = sent.get(`${m.channel}:${y}`);
        if (t !== undefined) {
          lat.set(m.channel, [...(lat.get(m.channel) ?? []), now - t]);
        }
      }
    };
    const probes: [string, string, (id: number) => Promise<unknown>][] = [
      [
        "HTTP POST",
        "lat_http",
        (id) =>
          fetch(`${server.base}/data?channel=lat_http`, {
            method: "POST",
            body: `{"y":${id}}`,
          }).then((r) => r.body?.cancel()),
      ],
      [
        "MQTT QoS 1",
        "lat_mqtt",
        (id) => client.publishAsync("osc/lat_mqtt", String(id), { qos: 1 }),
      ],
      ["UDP", "lat_udp", (id) => udp.send(enc.encode(`lat_udp:${id}`), to)],
    ];
    const count = quick ? 50 : 200;
    for (let id = 1; id <= count; id++) {
      for (const [, channel, send] of probes) {
        sent.set(`${channel}:${id}`, performance.now());
        send(id);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500));
    ws.close();

    // a UDP flood from another process: what a polite HTTP publisher and its viewer see
    const calm = await politeProbe(server.base, quick ? 1 : 3);
    const flood = floodUdp(udpPort, quick ? 2 : 4);
    await new Promise((r) => setTimeout(r, 300));
    const beforeFlood = await metric(server.base, "osc_points_accepted_total");
    const t0 = performance.now();
    const flooded = await politeProbe(server.base, quick ? 1 : 3);
    const floodPps =
      (await metric(server.base, "osc_points_accepted_total") - beforeFlood) /
      ((performance.now() - t0) / 1000);
    const floodSent = await flood;

    out("## 10. Ways in: MQTT and UDP beside HTTP");
    out();
    out(
      `One server with OSC_MQTT_URL (Debian's mosquitto on loopback) and OSC_UDP_PORT; each way fed in turn from one process at full speed, ${seconds} s × ${rounds} rounds, medians of the points the server stored per second (osc_points_accepted_total). HTTP and MQTT keep ${IN_FLIGHT} requests or messages in flight; UDP sends one datagram after another.`,
    );
    out();
    const http = median(results.get(ways[0][0])!);
    const httpOne = median(results.get(ways[3][0])!);
    table(
      ["way in", "points/s stored", "vs HTTP of the same shape"],
      ways.map(([name], i) => {
        const v = median(results.get(name)!);
        return [name, fmt(v), ratio(v, i < 3 ? http : httpOne)];
      }),
    );
    out(
      `Latency, one value every 20 ms by each way (${count} each), sent → parsed by a viewer on /ws:`,
    );
    out();
    table(
      ["way in", "p50 ms", "p99 ms", "received"],
      probes.map(([name, channel]) => {
        const v = (lat.get(channel) ?? []).sort((a, b) => a - b);
        const p = (q: number) =>
          v[Math.min(v.length - 1, Math.floor(q * v.length))];
        return [name, fmt(p(0.5), 1), fmt(p(0.99), 1), `${v.length}/${count}`];
      }),
    );
    out(
      `A UDP flood (another process sending 20-line datagrams as fast as it can, ${
        fmt(floodSent.perSecond)
      } a second) against a polite publisher: one POST every 10 ms, each point timed to a viewer on /ws.`,
    );
    out();
    table(
      [
        "condition",
        "POST p50 ms",
        "POST p99 ms",
        "to viewer p50 ms",
        "to viewer p99 ms",
        "points/s stored",
      ],
      [["no flood", calm], ["UDP flood", flooded]].map(([name, r]) => {
        const p = r as Probe;
        return [
          name as string,
          fmt(p.post50, 1),
          fmt(p.post99, 1),
          fmt(p.view50, 1),
          fmt(p.view99, 1),
          name === "no flood" ? "–" : fmt(floodPps),
        ];
      }),
    );
  } finally {
    udp.close();
    await client.endAsync().catch(() => {});
    await server.stop();
    await broker.stop();
  }
}

interface Probe {
  post50: number;
  post99: number;
  view50: number;
  view99: number;
}

const quantile = (v: number[], q: number) =>
  v.sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];

/** One point POSTed every 10 ms for `seconds`: the reply's time, and the time to a viewer. */
async function politeProbe(base: string, seconds: number): Promise<Probe> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws`);
  await new Promise((r) => (ws.onopen = r));
  const sent = new Map<number, number>();
  const view: number[] = [];
  const post: number[] = [];
  ws.onmessage = (e) => {
    if (typeof e.data !== "string") return;
    const m = JSON.parse(e.data);
    if (m.type !== "points" || m.channel !== "polite") return;
    for (const y of m.y) {
      const t = sent.get(y);
      if (t !== undefined) view.push(performance.now() - t);
    }
  };
  const end = performance.now() + seconds * 1000;
  for (let id = 1; performance.now() < end; id++) {
    const t = performance.now();
    sent.set(id, t);
    const res = await fetch(`${base}/data?channel=polite`, {
      method: "POST",
      body: `{"y":${id}}`,
    });
    await res.body?.cancel();
    post.push(performance.now() - t);
    await new Promise((r) =>
      setTimeout(r, Math.max(0, 10 - (performance.now() - t)))
    );
  }
  await new Promise((r) => setTimeout(r, 200));
  ws.close();
  return {
    post50: quantile(post, 0.5),
    post99: quantile(post, 0.99),
    view50: quantile(view, 0.5),
    view99: quantile(view, 0.99),
  };
}

/** Another process sending 20-line datagrams as fast as it can for `seconds` (bounded count). */
async function floodUdp(
  port: number,
  seconds: number,
): Promise<{ perSecond: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `
      const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
      const d = new TextEncoder().encode(Array.from({ length: 20 }, (_, i) => "flood:" + i).join("\\n"));
      const to = { transport: "udp", hostname: "127.0.0.1", port: ${port} };
      const end = Date.now() + ${seconds * 1000};
      let n = 0;
      while (Date.now() < end && n < 5_000_000) { await s.send(d, to); n++; }
      console.log(n / ${seconds});`,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  return { perSecond: Number(new TextDecoder().decode(out.stdout).trim()) };
}
