import assert from "node:assert/strict";
import { ConfigError, DEFAULT_PORT, loadConfig } from "./config.ts";

Deno.test("config - sensible defaults from an empty environment", () => {
  const c = loadConfig({});
  assert.equal(c.port, DEFAULT_PORT);
  assert.equal(c.host, "0.0.0.0");
  assert.equal(c.capacity, 100_000);
  assert.equal(c.maxChannels, 32);
  assert.equal(c.maxBodyBytes, 1024 * 1024);
  assert.equal(c.maxBatch, 100_000);
  assert.equal(c.publishToken, null);
  assert.deepEqual(c.allowedOrigins, []);
});

Deno.test("config - reads sizes, lists and tokens", () => {
  const c = loadConfig({
    PORT: "9000",
    OSC_MAX_BODY: "512KiB",
    OSC_ALLOWED_ORIGINS: "https://a.example, b.example:8080 ,",
    OSC_PUBLISH_TOKEN: "s3cret",
  });
  assert.equal(c.port, 9000);
  assert.equal(c.maxBodyBytes, 512 * 1024);
  assert.deepEqual(c.allowedOrigins, ["https://a.example", "b.example:8080"]);
  assert.equal(c.publishToken, "s3cret");
  assert.equal(
    loadConfig({ OSC_MAX_BODY: "2M" }).maxBodyBytes,
    2 * 1024 * 1024,
  );
});

Deno.test("config - a bad value names its variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "abc" }, /^PORT must be a whole number/],
    [{ PORT: "70000" }, /^PORT must be between/],
    [{ OSC_CAPACITY: "0" }, /^OSC_CAPACITY must be between/],
    [{ OSC_CAPACITY: "1e5" }, /^OSC_CAPACITY must be a whole number/],
    [{ OSC_MAX_BODY: "lots" }, /^OSC_MAX_BODY must be a size/],
    [{ OSC_PUBLISH_TOKEN: "has space" }, /^OSC_PUBLISH_TOKEN/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  }
});

Deno.test("config - hardening settings: defaults, flags, lists and checks", () => {
  const c = loadConfig({});
  assert.equal(c.trustProxy, false);
  assert.equal(c.publishRate, 0, "no fixed cap unless one is chosen");
  assert.equal(c.overloadLagMs, 100);
  assert.equal(c.maxViewers, 1000);
  assert.equal(c.viewToken, null);
  assert.deepEqual(c.frameAncestors, ["'self'"]);
  assert.equal(c.logLevel, "info");
  const d = loadConfig({
    OSC_TRUST_PROXY: "yes",
    OSC_CORS_ORIGINS: "https://lab.example, *",
    OSC_VIEW_TOKEN: "look",
    OSC_PUBLISH_TOKEN: "write",
    OSC_LOG_LEVEL: "DEBUG",
  });
  assert.equal(d.trustProxy, true);
  assert.deepEqual(d.corsOrigins, ["https://lab.example", "*"]);
  assert.equal(d.logLevel, "debug");
  assert.throws(
    () => loadConfig({ OSC_TRUST_PROXY: "maybe" }),
    /OSC_TRUST_PROXY/,
  );
  assert.throws(() => loadConfig({ OSC_LOG_LEVEL: "loud" }), /OSC_LOG_LEVEL/);
  assert.throws(
    () => loadConfig({ OSC_VIEW_TOKEN: "same", OSC_PUBLISH_TOKEN: "same" }),
    /must differ/,
  );
});

Deno.test("config - ways in: MQTT and UDP are off until configured, and checked when they are", () => {
  const c = loadConfig({});
  assert.equal(c.mqttUrl, null);
  assert.deepEqual(c.mqttTopics.map((t) => t.filter), ["osc/#"]);
  assert.equal(c.mqttGroup, "web-oscilloscope");
  assert.equal(c.udpPort, 0);
  const d = loadConfig({
    OSC_MQTT_URL: "mqtts://user:pw@broker.lab:8883",
    OSC_MQTT_TOPICS: "lab/+/temp, osc/#",
    OSC_MQTT_GROUP: "off",
    OSC_UDP_PORT: "47269",
    HOST: "127.0.0.1",
  });
  assert.equal(d.mqttUrl, "mqtts://user:pw@broker.lab:8883");
  assert.deepEqual(d.mqttTopics.map((t) => t.filter), ["lab/+/temp", "osc/#"]);
  assert.equal(d.mqttGroup, null);
  assert.equal(d.udpPort, 47269);
  assert.equal(d.udpHost, "127.0.0.1");
  assert.throws(
    () => loadConfig({ OSC_MQTT_URL: "http://broker" }),
    /OSC_MQTT_URL/,
  );
  assert.throws(
    () => loadConfig({ OSC_MQTT_TOPICS: "osc/#/x" }),
    /OSC_MQTT_TOPICS: .*last level/,
  );
  assert.throws(() => loadConfig({ OSC_MQTT_GROUP: "a/b" }), /OSC_MQTT_GROUP/);
  assert.throws(() => loadConfig({ OSC_UDP_PORT: "70000" }), /OSC_UDP_PORT/);
});
