// InfluxDB line protocol on /api/v2/write and /write: the official client library through its
// write API, and the documentation's curl examples, as Telegraf and InfluxDB users send them.
import assert from "node:assert/strict";
import { gzipSync as nodeGzip } from "node:zlib";
import { InfluxDB, Point } from "@influxdata/influxdb-client";
import { send, withServer } from "./helpers.ts";
import { viewer } from "./viewers.ts";

const gzipSync = (data: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(nodeGzip(data));

const TOKEN = "influx-publish-token-0123456789";

const series = async (base: string, channel: string) =>
  (await send(`${base}/data?channel=${channel}`)).json?.channels?.[channel];

Deno.test("influx - the official client's write API lands each field as a channel, x its timestamp", async () => {
  await withServer({ OSC_PUBLISH_TOKEN: TOKEN }, async (base) => {
    const v = viewer(base, { authorization: `Bearer ${TOKEN}` });
    await v.opened;
    try {
      const client = new InfluxDB({ url: base, token: TOKEN });
      const write = client.getWriteApi("lab", "bench", "ms", {
        // retries would hide a refusal from the test
        maxRetries: 0,
      });
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 500; i++) {
        write.writePoint(
          new Point("weather")
            .tag("location", "us-midwest")
            .floatField("temperature", 20 + i / 100)
            .intField("humidity", 40 + (i % 3))
            .booleanField("raining", i % 2 === 0)
            .stringField("note", "strings are kept out")
            .timestamp(t0 + i),
        );
      }
      // 500 points make a body past the client's 1000-byte gzip threshold: gzip is used
      await write.close();

      const temp = await series(base, "weather.us-midwest.temperature");
      assert.equal(temp.x.length, 500);
      assert.equal(temp.x[0], 1_700_000_000);
      assert.equal(temp.x[499], 1_700_000_000.499);
      assert.equal(temp.y[499], 20 + 499 / 100);
      assert.deepEqual(
        (await series(base, "weather.us-midwest.humidity")).y.slice(0, 3),
        [40, 41, 42],
      );
      assert.deepEqual(
        (await series(base, "weather.us-midwest.raining")).y.slice(0, 2),
        [1, 0],
      );
      assert.equal(
        (await send(`${base}/data?channel=weather.us-midwest.note`)).status,
        404,
      );
      await v.until((ms) =>
        ms.some((m) =>
          m.channel === "weather.us-midwest.temperature" && m.seq === 500
        )
      );

      // a wrong token: the client reports InfluxDB's error
      const wrong = new InfluxDB({ url: base, token: "nope" }).getWriteApi(
        "lab",
        "bench",
        "ms",
        { maxRetries: 0 },
      );
      wrong.writePoint(new Point("weather").floatField("temperature", 1));
      await assert.rejects(
        () => wrong.close(),
        (e: Error & { statusCode?: number }) => e.statusCode === 401,
      );
    } finally {
      await v.close();
    }
  });
});

Deno.test("influx - the documentation's curl examples, v2 and v1, answer 204", async () => {
  await withServer({}, async (base) => {
    // from the InfluxDB v2 "Write data with the InfluxDB API" page
    const v2 = await send(
      `${base}/api/v2/write?org=YOUR_ORG&bucket=YOUR_BUCKET&precision=ns`,
      {
        method: "POST",
        headers: {
          "Authorization": "Token YOUR_API_TOKEN",
          "Content-Type": "text/plain; charset=utf-8",
          "Accept": "application/json",
        },
        body:
          "airSensors,sensor_id=TLM0201 temperature=73.97038159354763,humidity=35.23103248356096,co=0.48445310567793615 1630424257000000000\n" +
          "airSensors,sensor_id=TLM0202 temperature=75.30007505999716,humidity=35.651929918691714,co=0.5141876544505826 1630424257000000000",
      },
    );
    assert.equal(v2.status, 204, v2.text);
    assert.equal(v2.text, "");
    const t = await series(base, "airSensors.TLM0202.temperature");
    assert.deepEqual(t, { seq: 1, x: [1630424257], y: [75.30007505999716] });

    // from the InfluxDB 1.x "Writing data with the HTTP API" page
    const v1 = await send(`${base}/write?db=mydb`, {
      method: "POST",
      body:
        "cpu_load_short,host=server01,region=us-west value=0.64 1434055562000000000",
    });
    assert.equal(v1.status, 204, v1.text);
    assert.deepEqual(
      (await series(base, "cpu_load_short.server01.us-west.value")).x,
      [1434055562],
    );

    // gzip as Telegraf sends it, seconds precision
    const gz = await send(`${base}/api/v2/write?bucket=b&precision=s`, {
      method: "POST",
      headers: { "Content-Encoding": "gzip" },
      body: gzipSync("m v=1 10\nm v=2 11\n"),
    });
    assert.equal(gz.status, 204, gz.text);
    assert.deepEqual(await series(base, "m.v"), {
      seq: 2,
      x: [10, 11],
      y: [1, 2],
    });
  });
});

Deno.test("influx - a batch with a bad line is refused whole, in InfluxDB's error shape", async () => {
  await withServer({ OSC_MAX_CHANNELS: "3" }, async (base) => {
    const write = (
      body: BodyInit,
      query = "bucket=b",
      headers = {},
    ) =>
      send(`${base}/api/v2/write?${query}`, { method: "POST", body, headers });
    const bad = await write("m v=1 1\nm v=abc 2\nm v=3 3\n");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, "invalid");
    assert.match(bad.json.message, /line 2/);
    assert.equal(
      (await send(`${base}/data?channel=m.v`)).status,
      404,
      "nothing stored",
    );

    const precision = await write("m v=1", "bucket=b&precision=xs");
    assert.equal(precision.status, 400);
    assert.match(precision.json.message, /precision/);
    assert.equal(
      (await write("m v=1", "org=o")).json.code,
      "invalid",
      "bucket required",
    );

    // more new channels than are free: refused before any is stored
    const many = await write("m a=1,b=2,c=3,d=4");
    assert.equal(many.status, 409);
    assert.equal(many.json.code, "conflict");
    assert.equal((await send(`${base}/status`)).json.channels.length, 0);

    // a gzip body that inflates past 16 x OSC_MAX_BODY is cut off, not held
    const bomb = gzipSync(new Uint8Array(20 * 1024 * 1024));
    const inflated = await write(bomb, "bucket=b", {
      "Content-Encoding": "gzip",
    });
    assert.equal(inflated.status, 413);
    assert.equal(inflated.json.code, "request too large");
    const corrupt = await write(new Uint8Array([1, 2, 3]), "bucket=b", {
      "Content-Encoding": "gzip",
    });
    assert.equal(corrupt.status, 400);

    const status = (await send(`${base}/status`)).json;
    assert.equal(status.refused.total, 6);
  });
});
