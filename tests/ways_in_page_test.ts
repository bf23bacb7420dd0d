// The ways in besides HTTP, end to end: mosquitto_pub to Debian's mosquitto and a datagram from
// a plain UDP socket on one side, the page in headless Chromium on the other, reading the values
// and the status line a person would read.
import assert from "node:assert/strict";
import { freeUdpPort, startMosquitto } from "../tools/bench/procs.ts";
import { OUTPUT, withScope } from "./scope_page.ts";

Deno.test("ways in - an MQTT reading and a UDP line show on the page; the status line follows the broker", async () => {
  const broker = await startMosquitto();
  const udpPort = freeUdpPort();
  try {
    await withScope(
      { OSC_MQTT_URL: broker.url, OSC_UDP_PORT: String(udpPort) },
      async ({ open, errors }) => {
        const page = await open();
        await page.locator('[data-status="mqtt"]', {
          hasText: "MQTT connected",
        }).waitFor({ timeout: 10_000 });
        assert.equal(
          await page.locator('[data-status="udp"]').textContent(),
          "UDP listening",
        );
        const pub = await new Deno.Command("/usr/bin/mosquitto_pub", {
          args: [
            ...["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1"],
            ...["-t", "osc/lab/temp", "-m", "21.5"],
          ],
        }).output();
        assert.equal(pub.code, 0);
        const s = Deno.listenDatagram({
          transport: "udp",
          hostname: "127.0.0.1",
          port: 0,
        });
        await s.send(new TextEncoder().encode("rpm:1234§rpm|g"), {
          transport: "udp",
          hostname: "127.0.0.1",
          port: udpPort,
        });
        s.close();
        for (
          const [channel, value] of [["lab.temp", "21.5"], ["rpm", "1234"]]
        ) {
          await page.locator(`.chip[data-channel="${channel}"] [data-value]`, {
            hasText: value,
          }).waitFor({ timeout: 5000 });
        }
        await page.screenshot({
          path: new URL("ways-in.png", OUTPUT).pathname,
        });
        await broker.stop();
        const mqtt = page.locator('[data-status="mqtt"]', {
          hasText: "MQTT connecting",
        });
        await mqtt.waitFor({ timeout: 10_000 });
        assert.match((await mqtt.getAttribute("title")) ?? "", /127\.0\.0\.1/);
        assert.equal(await mqtt.getAttribute("class"), "st-bad");
        await page.screenshot({
          path: new URL("ways-in-broker-away.png", OUTPUT).pathname,
        });
        assert.deepEqual(errors, []);
      },
    );
  } finally {
    await broker.stop();
  }
});
