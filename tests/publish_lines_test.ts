// Line senders: text lines, NDJSON, Serial Plotter and Teleplot on POST /data, committed as they
// arrive, with real curl where a user would use it.
import assert from "node:assert/strict";
import { post, send, withServer } from "./helpers.ts";
import { viewer } from "./viewers.ts";

const text = (base: string, body: BodyInit, query = "", type = "text/plain") =>
  send(`${base}/data${query}`, {
    method: "POST",
    headers: { "content-type": type },
    body,
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request body the test writes to while the request is open, as a pipe into curl would. */
function pipe() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
  });
  return {
    body,
    write: (s: string) => controller.enqueue(new TextEncoder().encode(s)),
    end: () => controller.close(),
  };
}

/** Runs curl with `args`, feeding `input` to its standard input; resolves with its output. */
async function curl(args: string[], input: string): Promise<string> {
  const child = new Deno.Command("curl", {
    args: ["-sS", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("line bodies - `seq 1 1000 | curl --data-binary @-` stores 1000 points with increasing x", async () => {
  await withServer({}, async (base) => {
    const numbers = Array.from({ length: 1000 }, (_, i) => i + 1).join("\n") +
      "\n";
    const reply = JSON.parse(
      await curl(
        ["-X", "POST", "--data-binary", "@-", `${base}/data?channel=seq`],
        numbers,
      ),
    );
    assert.equal(reply.status, "success");
    assert.equal(reply.accepted, 1000);
    assert.equal(reply.channel, "seq");
    assert.equal(reply.seq, 1000);
    const got = (await send(`${base}/data?channel=seq`)).json.channels.seq;
    assert.deepEqual(got.y, Array.from({ length: 1000 }, (_, i) => i + 1));
    for (let i = 1; i < got.x.length; i++) assert.ok(got.x[i] > got.x[i - 1]);
    // today's JSON bodies are read as before, byte for byte
    assert.deepEqual(
      JSON.parse(
        await curl([
          "-X",
          "POST",
          "-d",
          '{"x":12.34,"y":56.78}',
          `${base}/data`,
        ], ""),
      ),
      { status: "success", accepted: 1, channel: "default", seq: 1 },
    );
  });
});

Deno.test("line bodies - Serial Plotter, CSV x,y, Teleplot and NDJSON lines land per label", async () => {
  await withServer({}, async (base) => {
    const plotter = await text(base, "a:1,b:2\na:3 b:4\n5\t6\t7\n");
    assert.equal(plotter.status, 200, plotter.text);
    assert.deepEqual(plotter.json.channels, {
      a: { accepted: 2, seq: 2 },
      b: { accepted: 2, seq: 2 },
      value1: { accepted: 1, seq: 1 },
      value2: { accepted: 1, seq: 1 },
      value3: { accepted: 1, seq: 1 },
    });
    assert.equal(plotter.json.lines, 3);

    const csv = await text(
      base,
      "1.5,2.25\n2.5,3.25\n",
      "?channel=xy",
      "text/csv",
    );
    assert.equal(csv.status, 200, csv.text);
    assert.deepEqual((await send(`${base}/data?channel=xy`)).json.channels.xy, {
      seq: 2,
      x: [1.5, 2.5],
      y: [2.25, 3.25],
    });

    const teleplot = await text(
      base,
      ">temp:1627551892437:21.5§°C|g\n>temp:1627551892537:21.75\n",
    );
    assert.equal(teleplot.status, 200, teleplot.text);
    assert.deepEqual(
      (await send(`${base}/data?channel=temp`)).json.channels.temp.x,
      [1627551892.437, 1627551892.537],
    );

    // with ?channel=, labels become prefix.label
    const prefixed = await text(base, "t:1,h:2\n", "?channel=lab");
    assert.deepEqual(Object.keys(prefixed.json.channels), ["lab.t", "lab.h"]);

    const ndjson = await text(
      base,
      '{"x":1,"y":2,"channel":"n"}\n[{"x":2,"y":3,"channel":"n"}]\n{"y":[4,5],"dx":1,"x0":3,"channel":"n"}\n',
      "",
      "application/x-ndjson",
    );
    assert.equal(ndjson.status, 200, ndjson.text);
    assert.deepEqual((await send(`${base}/data?channel=n`)).json.channels.n, {
      seq: 4,
      x: [1, 2, 3, 4],
      y: [2, 3, 4, 5],
    });
  });
});

Deno.test("line bodies - a bad line ends the request with 400 naming it; the lines before it stay stored", async () => {
  await withServer({}, async (base) => {
    const res = await text(base, "1\n2\n# a comment\nabc\n5\n", "?channel=c");
    assert.equal(res.status, 400);
    assert.equal(res.json.status, "error");
    assert.equal(res.json.field, "line 4");
    assert.equal(res.json.line, 4);
    assert.equal(res.json.accepted, 2);
    assert.match(
      res.json.message,
      /^line 4: value "abc" is not a finite number/,
    );
    assert.deepEqual((await send(`${base}/data?channel=c`)).json.channels.c.y, [
      1,
      2,
    ]);
    // a number too large for a float is refused, not stored as Infinity, in the first read
    // and in those after it (read a different way, once the body is known to be text)
    for (const later of [false, true]) {
      const stream = pipe();
      const answer = send(`${base}/data?channel=huge${later}`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: stream.body,
      });
      if (later) {
        stream.write("0\n");
        await sleep(50);
      }
      stream.write("1\n2\n1e999\n");
      stream.end();
      const huge = await answer;
      assert.equal(huge.status, 400, huge.text);
      assert.equal(huge.json.line, later ? 4 : 3);
      assert.equal(huge.json.accepted, later ? 3 : 2);
    }
    // each line is whole or not at all: a Serial Plotter line with one bad part stores none
    const partial = await text(base, "a:1,b:x\n", "");
    assert.equal(partial.status, 400);
    assert.equal(partial.json.accepted, 0);
    assert.equal((await send(`${base}/data?channel=a`)).status, 404);
  });
});

Deno.test("line bodies - a line that would pass the channel limit is refused whole with 409", async () => {
  await withServer({ OSC_MAX_CHANNELS: "2" }, async (base) => {
    const res = await text(base, "a:1\na:2,b:3\nb:4,c:5\na:6\n");
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.line, 3);
    assert.equal(res.json.accepted, 3);
    assert.match(res.json.message, /channel "c".*OSC_MAX_CHANNELS/);
    assert.deepEqual((await send(`${base}/data?channel=b`)).json.channels.b.y, [
      3,
    ]);
  });
});

Deno.test("line bodies - a stream's points reach a viewer while the request is still open", async () => {
  await withServer({}, async (base) => {
    const v = viewer(base);
    await v.opened;
    const stream = pipe();
    const answer = fetch(`${base}/data?channel=live`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: stream.body,
    });
    try {
      stream.write("1\n2\n");
      await v.until((ms) =>
        ms.some((m) => m.channel === "live" && m.seq === 2)
      );
      stream.write("3\n");
      await v.until((ms) =>
        ms.some((m) => m.channel === "live" && m.seq === 3)
      );
      stream.end();
      const res = await answer;
      const body = await res.json();
      assert.equal(res.status, 200);
      assert.equal(body.accepted, 3);
    } finally {
      await v.close();
    }
  });
});

Deno.test("line bodies - `curl -T -` from a pipe streams, and its points show before curl ends", async () => {
  await withServer({}, async (base) => {
    const v = viewer(base);
    await v.opened;
    const child = new Deno.Command("curl", {
      args: ["-sS", "-X", "POST", "-T", "-", `${base}/data?channel=tty`],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode("sin:0.5,cos:0.8\n"));
      await v.until(
        (ms) => ms.some((m) => m.channel === "tty.sin" && m.seq === 1),
        5000,
      );
      await writer.write(new TextEncoder().encode("sin:0.6,cos:0.7\n"));
      await v.until((ms) =>
        ms.some((m) => m.channel === "tty.cos" && m.seq === 2)
      );
    } finally {
      await writer.close();
      const out = await child.output();
      assert.equal(
        JSON.parse(new TextDecoder().decode(out.stdout)).accepted,
        4,
      );
      await v.close();
    }
  });
});

Deno.test("line bodies - a silent stream is ended after the body timeout, keeping what came", async () => {
  await withServer({ OSC_BODY_TIMEOUT_MS: "300" }, async (base) => {
    // a raw chunked upload that goes quiet, as a sender whose device stopped printing
    const { port } = new URL(base);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(port),
    });
    const encode = (s: string) => new TextEncoder().encode(s);
    const chunk = (s: string) => encode(`${s.length.toString(16)}\r\n${s}\r\n`);
    const started = Date.now();
    try {
      await conn.write(encode(
        "POST /data?channel=quiet HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" +
          "Transfer-Encoding: chunked\r\n\r\n",
      ));
      await conn.write(chunk("1\n2\n"));
      await new Promise((r) => setTimeout(r, 200));
      await conn.write(chunk("3\n"));
      const buf = new Uint8Array(4096);
      const n = await conn.read(buf);
      const reply = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      assert.match(reply, /^HTTP\/1.1 408/);
      assert.match(reply, /"accepted":3/);
      assert.ok(
        Date.now() - started >= 450,
        "the limit is per read, not per body",
      );
    } finally {
      conn.close();
    }
    assert.equal(
      (await send(`${base}/data?channel=quiet`)).json.channels.quiet.seq,
      3,
    );
  });
});

Deno.test("line bodies - a line longer than OSC_MAX_BODY without a newline is refused with 413", async () => {
  await withServer({ OSC_MAX_BODY: "1KiB" }, async (base) => {
    const res = await text(base, "1\n2\n" + "9".repeat(5000));
    assert.equal(res.status, 413);
    assert.equal(res.json.line, 3);
    assert.equal(res.json.accepted, 2);
    assert.match(res.json.message, /longer than 1024 bytes/);
    // a stream as a whole may be far longer than OSC_MAX_BODY
    const long = await text(base, "1\n".repeat(5000), "?channel=long");
    assert.equal(long.status, 200);
    assert.equal(long.json.accepted, 5000);
  });
});

Deno.test("line bodies - a pretty-printed JSON document is still read whole", async () => {
  await withServer({}, async (base) => {
    const res = await send(`${base}/data`, {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          c.enqueue(
            new TextEncoder().encode('{\n  "x": [1, 2],\n  "y": [3, 4]\n}\n'),
          );
          c.close();
        },
      }),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.accepted, 2);
    assert.deepEqual((await post(base, '{\n"y": 5\n}')).json.accepted, 1);
  });
});
