// The serial bridge (deno task serial) against a socat pty pair: the bridge reads one end as its
// device, the test writes the other end as the board would print, then unplugs it (socat killed
// by PID) and plugs it back in.
import assert from "node:assert/strict";
import { send, withServer } from "./helpers.ts";
import { eventually } from "./stores.ts";

const SOCAT = "/usr/bin/socat";
const BRIDGE = new URL("../tools/serial.ts", import.meta.url).pathname;

/** A pty pair: `dev` for the bridge, `board` for the test; stopped by its PID. */
function plugIn(dir: string) {
  const child = new Deno.Command(SOCAT, {
    args: [
      `pty,raw,echo=0,link=${dir}/dev`,
      `pty,raw,echo=0,link=${dir}/board`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    async ready() {
      await eventually(async () => {
        await Deno.stat(`${dir}/board`);
        await Deno.stat(`${dir}/dev`);
      });
    },
    async unplug() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Prints lines on the board's end, `perMs` lines a millisecond-ish, as a board would. */
async function print(dir: string, lines: string[], chunk = 10): Promise<void> {
  const board = await Deno.open(`${dir}/board`, { write: true });
  try {
    const enc = new TextEncoder();
    for (let i = 0; i < lines.length; i += chunk) {
      await board.write(
        enc.encode(lines.slice(i, i + chunk).join("\n") + "\n"),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    board.close();
  }
}

async function ys(base: string, name: string): Promise<number[]> {
  const res = await send(`${base}/data?channel=${name}`);
  return res.status === 200 ? res.json.channels[name].y : [];
}

async function posts(base: string): Promise<number> {
  const text = (await send(`${base}/metrics`)).text;
  return [
    ...text.matchAll(
      /osc_http_requests_total\{route="\/data",method="POST",status="200"\} (\d+)/g,
    ),
  ]
    .reduce((n, m) => n + Number(m[1]), 0);
}

Deno.test("serial - Serial Plotter and Teleplot lines land per label, batched; the board unplugged and back, the bridge goes on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osc-serial-" });
  let pty = plugIn(dir);
  await withServer({ OSC_PUBLISH_RATE: "0" }, async (base) => {
    await pty.ready();
    const bridge = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        BRIDGE,
        `${dir}/dev`,
        "--url",
        `${base}/data`,
        "--baud",
        "9600",
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out: string[] = [];
    const collect = (async () => {
      for await (
        const s of bridge.stdout.pipeThrough(new TextDecoderStream())
      ) out.push(s);
    })();
    try {
      await eventually(() =>
        assert.match(out.join(""), /reading .*dev at 9600 baud/)
      );
      // 1000 lines over about a second, like a 1 kHz board; a header, a Teleplot line, a bad one
      const lines = ["a:,b:"];
      for (let i = 0; i < 1000; i++) lines.push(`a:${i},b:${-i}`);
      lines.push(">rpm:1500:42", "oops not a point");
      await print(dir, lines);
      await eventually(async () => {
        assert.deepEqual(
          await ys(base, "a"),
          Array.from({ length: 1000 }, (_, i) => i),
        );
        assert.equal((await ys(base, "b")).length, 1000);
        assert.deepEqual(await ys(base, "rpm"), [42]);
      });
      const batched = await posts(base);
      assert.ok(batched < 200, `${batched} POSTs for 1000 lines`);
      await eventually(() =>
        assert.match(out.join(""), /not a point, dropped: "oops not a point"/)
      );
      await eventually(() =>
        assert.match(out.join(""), /sent \d+ points \(a, b/)
      );

      await pty.unplug();
      await eventually(() => assert.match(out.join(""), /went away/));
      pty = plugIn(dir);
      await pty.ready();
      await eventually(() =>
        assert.equal(
          out.join("").match(/reading .*dev at 9600 baud/g)?.length,
          2,
        )
      );
      await print(dir, ["a:1000,b:-1000"]);
      await eventually(async () =>
        assert.equal((await ys(base, "a")).at(-1), 1000)
      );
      console.log(`${batched} POSTs carried 1000 lines`);
    } finally {
      bridge.kill("SIGTERM");
      await bridge.status;
      await collect;
      await bridge.stderr.cancel();
    }
  });
  await pty.unplug();
  await Deno.remove(dir, { recursive: true });
});
