// The server as an operator runs it: `deno run main.ts` in its own process.
import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function start(env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", MAIN],
    env: { HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads stdout until the listen line and returns the base URL it prints. */
async function listening(
  child: Deno.ChildProcess,
): Promise<{ base: string; rest: ReadableStreamDefaultReader<string> }> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before listening: ${text}`);
    text += value;
    const m = /"url":"(http:\/\/[\d.]+:\d+)"/.exec(text);
    if (m) return { base: m[1], rest: reader };
  }
}

/** Kills the server if a test left it running, and releases its output streams. */
async function stopChild(
  child: Deno.ChildProcess,
  rest: ReadableStreamDefaultReader<string>,
) {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
  await rest.cancel();
  await child.stderr.cancel();
}

Deno.test("process - a bad setting stops start-up with exit code 1 and names the variable", async () => {
  const child = start({ OSC_CAPACITY: "lots" });
  const { code, stderr } = await child.output();
  assert.equal(code, 1);
  assert.match(
    new TextDecoder().decode(stderr),
    /OSC_CAPACITY must be a whole number, got \\"lots\\"/,
  );
});

Deno.test("process - SIGTERM closes viewers with 1001 and exits 0", async () => {
  const child = start({});
  const { base, rest } = await listening(child);
  try {
    const r = await fetch(`${base}/data`, {
      method: "POST",
      body: '{"x":1,"y":2}',
    });
    assert.equal(r.status, 200);
    await r.body?.cancel();
    const ws = new WebSocket(base.replace("http", "ws") + "/ws");
    const snapshot = new Promise((
      resolve,
    ) => (ws.onmessage = (e) => resolve(JSON.parse(e.data))));
    const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve));
    assert.deepEqual(await snapshot, {
      type: "snapshot",
      channel: "default",
      seq: 1,
      x: [1],
      y: [2],
    });
    child.kill("SIGTERM");
    const event = await closed;
    assert.equal(event.code, 1001);
    const status = await child.status;
    assert.equal(status.code, 0);
  } finally {
    await stopChild(child, rest);
  }
});

Deno.test("process - SIGTERM with 100 requests in flight: each is answered in full, viewers get 1001", async () => {
  const child = start({ OSC_PUBLISH_RATE: "0" });
  const { base, rest } = await listening(child);
  try {
    const ws = new WebSocket(base.replace("http", "ws") + "/ws");
    const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve));
    await new Promise((resolve) => (ws.onopen = resolve));
    // 100 POSTs whose bodies stop halfway until the signal has been sent
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const requests = Array.from({ length: 100 }, (_, i) => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(`{"x": ${i}, `));
          await released;
          controller.enqueue(
            new TextEncoder().encode(`"y": ${i * 2}, "channel": "c${i % 4}"}`),
          );
          controller.close();
        },
      });
      return fetch(`${base}/data`, { method: "POST", body })
        .then(async (r) => ({ status: r.status, body: await r.text() }))
        .catch((e) => ({ status: 0, body: String(e) }));
    });
    await new Promise((r) => setTimeout(r, 300)); // let all 100 reach the server
    child.kill("SIGTERM");
    assert.equal(
      (await closed).code,
      1001,
      "viewers are told the server is going away",
    );
    // a request that starts after the signal is refused cleanly, not half-served
    const late = await fetch(`${base}/data`, {
      method: "POST",
      body: '{"y": 1}',
    })
      .then(async (r) => ({ status: r.status, body: await r.json() }))
      .catch(() => ({ status: 0, body: null }));
    if (late.status !== 0) {
      assert.equal(late.status, 503);
      assert.match(late.body.message, /shutting down; nothing was stored/);
    }
    release();
    const replies = await Promise.all(requests);
    const status = await child.status;
    assert.equal(status.code, 0);
    for (const [i, r] of replies.entries()) {
      // answered in full, or refused before anything was read; never a 5xx or a cut reply
      if (r.status === 0) continue;
      assert.equal(r.status, 200, `request ${i}: ${r.body}`);
      const reply = JSON.parse(r.body);
      assert.equal(reply.status, "success");
      assert.equal(reply.channel, `c${i % 4}`);
    }
    const answered = replies.filter((r) => r.status === 200).length;
    assert.ok(
      answered >= 90,
      `${answered} of 100 in-flight requests finished during shutdown`,
    );
  } finally {
    await stopChild(child, rest);
  }
});
