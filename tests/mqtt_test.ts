// MQTT: Debian's mosquitto broker on a free loopback port, mosquitto_pub as the sender, and the
// oscilloscope subscribed to it — in this process, or as replicas sharing a redis-server.
import assert from "node:assert/strict";
import {
  startMosquitto,
  startOscilloscope,
  startRedis,
} from "../tools/bench/procs.ts";
import { send, withServer } from "./helpers.ts";
import { eventually, storedRows } from "./stores.ts";

const PUB = "/usr/bin/mosquitto_pub";

/** Publishes with mosquitto_pub at QoS 1; `lines` sends each line as its own message. */
async function pub(
  port: number,
  topic: string,
  message: string,
  opts: { lines?: boolean } = {},
): Promise<void> {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic];
  const child = new Deno.Command(PUB, {
    args: opts.lines ? [...args, "-l"] : [...args, "-m", message],
    stdin: opts.lines ? "piped" : "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  if (opts.lines) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(message));
    await w.close();
  }
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

async function channelY(base: string, channel: string): Promise<number[]> {
  const res = await send(`${base}/data?channel=${channel}`);
  if (res.status === 404) return [];
  assert.equal(res.status, 200, res.text);
  return res.json.channels[channel]?.y ?? [];
}

async function mqttState(base: string): Promise<string | undefined> {
  const status = await send(`${base}/status`);
  return status.json.ways.find((w: { name: string }) => w.name === "mqtt")
    ?.state;
}

const until = (check: () => Promise<void> | void, ms = 8000) =>
  eventually(check, ms);

Deno.test("mqtt - numbers, JSON and Serial Plotter payloads land on their topic's channels; a bad one changes nothing", async () => {
  const broker = await startMosquitto();
  try {
    await withServer({ OSC_MQTT_URL: broker.url }, async (base) => {
      await until(async () => assert.equal(await mqttState(base), "connected"));
      await pub(broker.port, "osc/lab/temp", "21.5");
      await pub(broker.port, "osc/lab/temp", "22.25");
      await pub(broker.port, "osc/lab/json", '{"x":[1,2,3],"y":[4,5,6]}');
      await pub(broker.port, "osc/rig", "a:1,b:2\na:3,b:4");
      await until(async () => {
        assert.deepEqual(await channelY(base, "lab.temp"), [21.5, 22.25]);
        assert.deepEqual(await channelY(base, "lab.json"), [4, 5, 6]);
        assert.deepEqual(await channelY(base, "rig.a"), [1, 3]);
        assert.deepEqual(await channelY(base, "rig.b"), [2, 4]);
      });
      const json = await send(`${base}/data?channel=lab.json`);
      assert.deepEqual(json.json.channels["lab.json"].x, [1, 2, 3]);

      const before = await storedRows(base);
      // a word, a line that breaks a good message, a binary blob, a topic level too long
      await pub(broker.port, "osc/lab/temp", "warm");
      await pub(broker.port, "osc/lab/temp", "1\n2\nnope");
      await pub(broker.port, "osc/lab/temp", "\u0001\u0002");
      await pub(broker.port, `osc/${"x".repeat(70)}`, "1");
      await until(async () => {
        const metrics = (await send(`${base}/metrics`)).text;
        assert.match(metrics, /osc_way_in_total\{way="mqtt",result="bad"\} 4/);
      });
      assert.deepEqual(await storedRows(base), before);
      const metrics = (await send(`${base}/metrics`)).text;
      assert.match(metrics, /osc_way_in_total\{way="mqtt",result="stored"\} 4/);
      assert.match(metrics, /osc_way_in_up\{way="mqtt",state="connected"\} 1/);
    });
  } finally {
    await broker.stop();
  }
});

Deno.test("mqtt - the broker stopped and restarted: the server says so, re-subscribes, and new messages land", async () => {
  const broker = await startMosquitto();
  let again: Awaited<ReturnType<typeof startMosquitto>> | null = null;
  try {
    await withServer({ OSC_MQTT_URL: broker.url }, async (base) => {
      await until(async () => assert.equal(await mqttState(base), "connected"));
      await pub(broker.port, "osc/t", "1");
      await until(async () => assert.deepEqual(await channelY(base, "t"), [1]));
      await broker.stop();
      await until(async () => {
        const status = await send(`${base}/status`);
        const mqtt = status.json.ways[0];
        assert.equal(mqtt.state, "connecting");
        assert.match(mqtt.detail, /127\.0\.0\.1/);
      });
      // a broker that forgot every session (no persistence): only re-subscribing brings them back
      again = await startMosquitto({ port: broker.port });
      await until(
        async () => assert.equal(await mqttState(base), "connected"),
        15_000,
      );
      await pub(broker.port, "osc/t", "2");
      await until(async () =>
        assert.deepEqual(await channelY(base, "t"), [1, 2])
      );
    });
  } finally {
    await broker.stop();
    await (again as { stop(): Promise<void> } | null)?.stop();
  }
});

Deno.test("mqtt - what the broker kept while the server was restarting arrives: QoS 1 on a persistent session", async () => {
  const broker = await startMosquitto();
  const env = {
    OSC_MQTT_URL: broker.url,
    OSC_MQTT_CLIENT_ID: "osc-restart-test",
  };
  try {
    await withServer(env, async (base) => {
      await until(async () => assert.equal(await mqttState(base), "connected"));
    });
    // the server is down: 200 readings, each its own message
    const lines = Array.from({ length: 200 }, (_, i) => String(i)).join("\n") +
      "\n";
    await pub(broker.port, "osc/kept", lines, { lines: true });
    await withServer(env, async (base) => {
      await until(async () =>
        assert.deepEqual(
          await channelY(base, "kept"),
          Array.from({ length: 200 }, (_, i) => i),
        )
      );
    });
  } finally {
    await broker.stop();
  }
});

Deno.test("mqtt - two replicas on one redis-server store each message once (a shared subscription)", async () => {
  const [broker, redis] = await Promise.all([startMosquitto(), startRedis()]);
  const env = {
    OSC_STORE: "redis",
    OSC_REDIS_URL: redis.url,
    OSC_MQTT_URL: broker.url,
  };
  const [a, b] = await Promise.all([
    startOscilloscope(env),
    startOscilloscope(env),
  ]);
  try {
    for (const s of [a, b]) {
      await until(async () =>
        assert.equal(await mqttState(s.base), "connected")
      );
    }
    const n = 300;
    const lines = Array.from({ length: n }, (_, i) => `{"x":${i},"y":${i * 2}}`)
      .join("\n") + "\n";
    await pub(broker.port, "osc/shared", lines, { lines: true });
    for (const s of [a, b]) {
      await until(async () => {
        const rows = (await storedRows(s.base)).filter((r) =>
          r.channel === "shared"
        );
        assert.equal(rows.length, n, `${s.base}: ${rows.length} points`);
        assert.deepEqual(
          rows.map((r) => r.x).sort((p, q) => p - q),
          Array.from({ length: n }, (_, i) => i),
        );
      }, 15_000);
    }
    // both replicas took part: the broker spread the messages over the group
    for (const s of [a, b]) {
      const metrics = (await send(`${s.base}/metrics`)).text;
      const stored = Number(
        /osc_way_in_total\{way="mqtt",result="stored"\} (\d+)/.exec(metrics)
          ?.[1] ?? 0,
      );
      assert.ok(stored > 0 && stored < n, `${s.base} stored ${stored} of ${n}`);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([broker.stop(), redis.stop()]);
    await Deno.remove(redis.dir, { recursive: true });
  }
});

Deno.test("mqtt - credentials in the URL: a wrong password shows why on the status line, the right one connects, neither is ever shown", async () => {
  const broker = await startMosquitto({ users: { lab: "s3cret-pw" } });
  const url = (pw: string) => `mqtt://lab:${pw}@127.0.0.1:${broker.port}`;
  const logs: string[] = [];
  try {
    await withServer({ OSC_MQTT_URL: url("wrong-pw") }, async (base) => {
      await until(async () => {
        const mqtt = (await send(`${base}/status`)).json.ways[0];
        assert.equal(mqtt.state, "connecting");
        assert.match(mqtt.detail, /Not authorized/i);
      });
      const status = (await send(`${base}/status`)).text;
      assert.ok(!status.includes("wrong-pw"), status);
    }, { writeLog: (l) => logs.push(l) });
    await withServer({ OSC_MQTT_URL: url("s3cret-pw") }, async (base) => {
      await until(async () => assert.equal(await mqttState(base), "connected"));
      const status = (await send(`${base}/status`)).text;
      assert.ok(!status.includes("s3cret-pw"), status);
      assert.match(status, /mqtt:\/\/127\.0\.0\.1:\d+/);
    }, { writeLog: (l) => logs.push(l) });
    assert.ok(logs.length > 0);
    assert.ok(!logs.join("\n").includes("pw"), logs.join("\n"));
  } finally {
    await broker.stop();
  }
});

Deno.test("mqtt - a message that arrives while the store (redis) is down is held, unacknowledged, and stored once it is back", async () => {
  const broker = await startMosquitto();
  let redis = await startRedis();
  const { dir, port } = redis;
  const server = await startOscilloscope({
    OSC_STORE: "redis",
    OSC_REDIS_URL: redis.url,
    OSC_MQTT_URL: broker.url,
  });
  try {
    await until(async () =>
      assert.equal(await mqttState(server.base), "connected")
    );
    await pub(broker.port, "osc/held", '{"x":1,"y":10}');
    await until(async () =>
      assert.deepEqual(await channelY(server.base, "held"), [10])
    );
    await redis.stop();
    await until(async () =>
      assert.equal((await send(`${server.base}/healthz`)).status, 503)
    );
    // the broker takes them (QoS 1 to the broker); the server cannot store them yet
    await pub(broker.port, "osc/held", '{"x":2,"y":20}');
    await pub(broker.port, "osc/held", '{"x":3,"y":30}');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await channelY(server.base, "held"), [10]);
    redis = await startRedis({ dir, port });
    await until(
      async () =>
        assert.deepEqual(await channelY(server.base, "held"), [10, 20, 30]),
      15_000,
    );
  } finally {
    await server.stop();
    await Promise.all([broker.stop(), redis.stop()]);
    await Deno.remove(dir, { recursive: true });
  }
});
