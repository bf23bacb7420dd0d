// An adversarial HTTP suite: 1000 hostile requests in a row — malformed, truncated, oversized,
// deeply nested, wrong-method, wrong-encoding and slowloris — after which the server must be
// healthy and a reference channel byte-for-byte what it was. The mix comes from a seeded PRNG,
// so a failure names a case number that reproduces on every run.
import assert from "node:assert/strict";
import { post, send, withServer } from "./helpers.ts";

const MAX_BODY_BYTES = 64 * 1024;
const BODY_TIMEOUT_MS = 500;
const REQUESTS = 1000;
const SEED = 0x05c1_11a7;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** mulberry32: tiny, seedable, good enough to pick test cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      return items[int(items.length)];
    },
    bytes(n: number): Uint8Array<ArrayBuffer> {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
    text(n: number, alphabet: string): string {
      let s = "";
      for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
      return s;
    },
  };
}
type Rng = ReturnType<typeof prng>;

/** A request sent with fetch; it reaches the app, so its refusal must be the app's JSON. */
interface HttpCase {
  kind: "http";
  path: string;
  init: RequestInit;
  /** the exact status when the case pins it down; any 4xx otherwise */
  status?: number;
}

/** Bytes written on a raw TCP connection, for what fetch refuses to send. */
interface RawCase {
  kind: "raw";
  bytes: Uint8Array;
  status?: number;
  /** whether the request is well-formed enough to reach the app (then the reply is its JSON) */
  app: boolean;
}

/** Headers and part of a body, then silence: the body timeout must answer. */
interface StallCase {
  kind: "stall";
  name: string;
  head: string;
  partial: string;
  /** hang up this soon, before the server's timeout: nobody is left to answer */
  abandonAfterMs?: number;
}

/** Header bytes one at a time for about a second, then the connection is dropped. */
interface TrickleCase {
  kind: "trickle";
}

type Case = (HttpCase | RawCase | StallCase | TrickleCase) & {
  category: string;
};

const jsonPost = (body: BodyInit, contentType = "application/json") => ({
  method: "POST",
  headers: { "content-type": contentType },
  body,
});

/** A valid-looking body of `n` points, for truncation. */
function validBody(rng: Rng, n: number): string {
  const shape = rng.int(3);
  const xs = Array.from({ length: n }, (_, i) => i + rng.next());
  const ys = xs.map((x) => Math.sin(x) * 1000);
  if (shape === 0) return JSON.stringify({ x: xs, y: ys });
  if (shape === 1) {
    return JSON.stringify(xs.map((x, i) => ({ x, y: ys[i] })));
  }
  return JSON.stringify({ x: xs[0], y: ys[0], channel: "ref" });
}

/** A request body that arrives in chunks, without Content-Length. */
function chunked(bytes: Uint8Array, chunkBytes: number): ReadableStream {
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += chunkBytes) {
        c.enqueue(bytes.slice(i, i + chunkBytes));
      }
      c.close();
    },
  });
}

function float64Pairs(values: number[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new Float64Array(values).buffer);
}

const CONTENT_TYPES = [
  "application/json",
  "application/octet-stream",
  "text/plain",
  "text/html; charset=utf-8",
  "multipart/form-data; boundary=xyz",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-16",
  "Application/Octet-Stream",
  "application/octet-stream; charset=utf-8",
  "a/b;;;=;",
  "*/*",
] as const;

const XSS = "<img src=x onerror=alert(1)>";

/** Each generator makes one hostile request of its category; every one must be refused. */
const GENERATORS: Record<string, (rng: Rng) => Case> = {
  invalidJson(rng) {
    const body = rng.pick([
      "{",
      "}",
      "{y:1}",
      "{'y':1}",
      '{"y":1,}',
      "[1,2,",
      "nul",
      "undefined",
      '{"y":NaN}',
      '{"y":Infinity}',
      '{"y":-Infinity}',
      '{"y":0x10}',
      '{"y":01}',
      '{"y":.5}',
      '{"y":1}{"y":2}',
      '{"y":1} garbage',
      '{"y":1,"channel":"ref"',
      "\u0000",
      "[{]}",
      '{"y":"\\u12"}',
      rng.text(1 + rng.int(200), "{}[],:\"'0123456789.eE+-abcnulltrue \n\t"),
    ]);
    // random punctuation can happen to be valid JSON; all of it must still be refused with 400,
    // since no such text is a valid point
    return {
      category: "invalidJson",
      kind: "http",
      path: rng.pick(["/data", "/data?channel=ref"]),
      // never labelled binary: whole float64 pairs of text could be valid points
      init: jsonPost(
        body,
        rng.pick(CONTENT_TYPES.filter((t) => !/octet/i.test(t))),
      ),
      status: 400,
    };
  },
  truncatedJson(rng) {
    const full = validBody(rng, 1 + rng.int(500));
    const cut = 1 + rng.int(full.length - 1);
    return {
      category: "truncatedJson",
      kind: "http",
      path: rng.pick(["/data", "/data?channel=ref"]),
      init: jsonPost(full.slice(0, cut)),
      status: 400,
    };
  },
  deeplyNested(rng) {
    const variant = rng.int(6);
    let body: string;
    let status: number;
    if (variant === 0) {
      body = "[".repeat(100_000); // larger than the body limit: refused before parsing
      status = 413;
    } else if (variant === 1) {
      body = "[".repeat(30_000) + "]".repeat(30_000); // parses, is no point
      status = 400;
    } else if (variant === 2) {
      body = '{"y":'.repeat(10_000) + "1" + "}".repeat(10_000);
      status = 400;
    } else if (variant === 3) {
      body = '{"x":1,"y":' + "[".repeat(60_000); // unterminated, under the limit
      status = 400;
    } else if (variant === 4) {
      body = '[{"y":' + '{"a":'.repeat(10_000) + "1" + "}".repeat(10_001) + "]";
      status = 400;
    } else {
      // the same 100000-deep body, streamed: the limit must hold without Content-Length
      return {
        category: "deeplyNested",
        kind: "http",
        path: "/data",
        init: {
          method: "POST",
          body: chunked(encoder.encode("[".repeat(100_000)), 8192),
        },
        status: 413,
      };
    }
    return {
      category: "deeplyNested",
      kind: "http",
      path: "/data?channel=ref",
      init: jsonPost(body),
      status,
    };
  },
  hugeValues(rng) {
    const body = rng.pick([
      '{"y":1e999}',
      '{"y":-1e999}',
      '{"x":1e400,"y":1}',
      '{"x":1,"y":"' + "9".repeat(400) + '"}',
      '{"y":' + "9".repeat(50_000) + "}",
      '{"y":"' + "a".repeat(60_000) + '"}',
      '{"y":1,"channel":"' + "c".repeat(60_000) + '"}',
      '{"y":[' + "1e999,".repeat(5000) + "1]}",
      '{"x":[1,2,3],"y":[1,2]}',
      '{"y":[1,2,3],"x":5}',
      '[{"x":1,"y":2},{"x":2,"y":"abc"}]',
      '{"y":[' + "1,".repeat(20_000) + '"nan"]}',
      '{"y":"0x10"}',
      '{"y":"1_000"}',
      '{"y":" "}',
      '{"y":-0,"x":"Infinity"}',
      '{"y":' + "-".repeat(30_000) + "1}",
      JSON.stringify({ y: 1, channel: "ref", [rng.text(10, "abc")]: 1 })
        .replace('"ref"', '"re f"'),
    ]);
    return {
      category: "hugeValues",
      kind: "http",
      path: rng.pick(["/data", "/data?channel=ref"]),
      init: jsonPost(body),
      status: 400,
    };
  },
  wrongMethod(rng) {
    const variant = rng.int(5);
    if (variant < 3) {
      const method = ["PUT", "PATCH", "OPTIONS"][variant];
      return {
        category: "wrongMethod",
        kind: "http",
        path: rng.pick(["/data", "/data?channel=ref", "/data?since=1"]),
        init: {
          method,
          body: method === "OPTIONS" ? undefined : '{"y":1}',
          // half of them dressed as a CORS preflight from another site (CORS is off here)
          headers: rng.int(2) === 0
            ? {
              "access-control-request-method": "POST",
              origin: "https://evil.example",
            } as Record<string, string>
            : {},
        },
        status: 405,
      };
    }
    // DELETE is allowed, so only ever at a channel it must refuse to clear
    const bad = variant === 3;
    return {
      category: "wrongMethod",
      kind: "http",
      path: "/data?channel=" +
        encodeURIComponent(
          bad ? rng.pick([XSS, "", "re f", "r".repeat(65)]) : "nosuch",
        ),
      init: { method: "DELETE" },
      status: bad ? 400 : 404,
    };
  },
  oversized(rng) {
    const extra = 1 + rng.int(200_000);
    const bytes = rng.int(2) === 0
      ? encoder.encode(
        '{"y":[' + "1,".repeat((MAX_BODY_BYTES + extra) / 2) + "1]}",
      )
      : rng.bytes(MAX_BODY_BYTES + extra);
    const type = rng.pick(["application/json", "application/octet-stream"]);
    const streamed = rng.int(2) === 0;
    return {
      category: "oversized",
      kind: "http",
      path: rng.pick(["/data", "/data?channel=ref"]),
      init: {
        method: "POST",
        headers: { "content-type": type },
        // a Uint8Array goes with Content-Length; a stream goes chunked
        body: streamed ? chunked(bytes, 1 + rng.int(30_000)) : bytes,
      },
      status: 413,
    };
  },
  badBinary(rng) {
    const variant = rng.int(6);
    let body: Uint8Array<ArrayBuffer>;
    let path = rng.pick(["/data", "/data?channel=ref"]);
    if (variant === 0) {
      let n = 1 + rng.int(4000);
      if (n % 16 === 0) n++;
      body = rng.bytes(n);
    } else if (variant === 1 || variant === 2) {
      const values = Array.from(
        { length: 2 * (1 + rng.int(200)) },
        (_, i) => i,
      );
      values[rng.int(values.length)] = rng.pick([NaN, Infinity, -Infinity]);
      body = float64Pairs(values);
    } else if (variant === 3) {
      body = new Uint8Array(0);
    } else if (variant === 4) {
      body = encoder.encode(
        JSON.stringify({ x: [1, 2], y: [3, 4] }).padEnd(32),
      );
      body = body.slice(0, 31); // JSON labelled binary, and not whole pairs either
    } else {
      body = float64Pairs([1, 2, 3, 4]);
      path = "/data?channel=" + encodeURIComponent(XSS);
    }
    return {
      category: "badBinary",
      kind: "http",
      path,
      init: jsonPost(body, "application/octet-stream"),
      status: 400,
    };
  },
  wrongEncoding(rng) {
    const variant = rng.int(6);
    let body: Uint8Array<ArrayBuffer>;
    const headers: Record<string, string> = {
      "content-type": "application/json",
    };
    if (variant === 0) {
      // invalid UTF-8 inside the channel name
      body = new Uint8Array([
        ...encoder.encode('{"y":1,"channel":"re'),
        0xff,
        0xfe,
        ...encoder.encode('f"}'),
      ]);
    } else if (variant === 1) {
      body = new Uint8Array([...encoder.encode('{"y":'), 0xc3, 0x28, 0x7d]);
    } else if (variant === 2) {
      // UTF-16LE with its byte-order mark: not UTF-8, so not JSON
      const text = '{"y":1}';
      body = new Uint8Array(2 + 2 * text.length);
      body[0] = 0xff;
      body[1] = 0xfe;
      for (let i = 0; i < text.length; i++) {
        body[2 + 2 * i] = text.charCodeAt(i);
      }
      headers["content-type"] = "application/json; charset=utf-16";
    } else if (variant === 3) {
      // a lone surrogate, escaped, as the channel
      body = encoder.encode('{"y":1,"channel":"\\ud800"}');
    } else if (variant === 4) {
      // gzip that the server is not told how to undo is not JSON either
      body = new Uint8Array([
        0x1f,
        0x8b,
        0x08,
        0x00,
        ...rng.bytes(40 + rng.int(100)),
      ]);
      headers["content-encoding"] = "gzip";
    } else {
      body = encoder.encode("x=1&y=2&channel=ref");
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    return {
      category: "wrongEncoding",
      kind: "http",
      path: "/data",
      init: { method: "POST", headers, body },
      status: 400,
    };
  },
  randomBytes(rng) {
    const type = rng.pick(CONTENT_TYPES);
    let n = rng.int(3000);
    // random whole float64 pairs are almost always finite, i.e. valid binary points: keep the
    // length off a multiple of 16 so that this category stays hostile
    if (n % 16 === 0) n++;
    return {
      category: "randomBytes",
      kind: "http",
      path: rng.pick(["/data", "/data?channel=ref", "/data?channel=rnd"]),
      init: jsonPost(rng.bytes(n), type),
      status: 400,
    };
  },
  badQuery(rng) {
    const query = rng.pick([
      "since=-1",
      "limit=abc",
      "channel=" + encodeURIComponent(XSS),
      "format=xml",
      "max_points=1",
      "max_points=3",
      "since=1e3",
      "since=0x10",
      "limit=" + "9".repeat(20),
      "limit=-5",
      "channel=",
      "channel=nosuch",
      "channel=ref&format=html",
      "channel=ref&since=" + encodeURIComponent("1 OR 1=1"),
      "channel=ref&max_points=" + encodeURIComponent("4;DROP"),
      "channel=%ff%fe",
    ]);
    return {
      category: "badQuery",
      kind: "http",
      path: "/data?" + query,
      init: {},
      status: query === "channel=nosuch" ? 404 : 400,
    };
  },
  randomPath(rng) {
    const safe = "abcdefghijklmnopqrstuvwxyz0123456789-_.~";
    const path = rng.pick([
      "/" + rng.text(1 + rng.int(20), safe) + "x",
      // no dots: "/data/.." would be normalised to the page
      "/data/" + rng.text(1 + rng.int(10), safe.replace(".", "")),
      "/DATA",
      "/healthz/x",
      "/.env",
      "/static/" + rng.text(8, safe) + ".js",
      "/static/..%2f..%2fmain.ts",
      "/static/%2e%2e/deno.json",
      "/%00",
      "/%ff%fe",
      "/ws",
      "/ws?encoding=f64&slots=abc",
      "/wp-admin/setup-config.php",
      "/" + "a".repeat(8000),
    ]);
    const posted = rng.int(3) === 0;
    return {
      category: "randomPath",
      kind: "http",
      path,
      init: posted ? { method: "POST", body: rng.bytes(rng.int(100)) } : {},
      // GET /ws without an upgrade is told to upgrade; anything else here has no route
      status: !posted && path.startsWith("/ws") ? 426 : 404,
    };
  },
  malformedRaw(rng) {
    const host = "Host: 127.0.0.1\r\n";
    const cases: [string, boolean, number?][] = [
      ["GARBAGE\r\n\r\n", false, 400],
      ["GET\r\n\r\n", false, 400],
      ["GET /data HTTP/9.9\r\n" + host + "\r\n", false],
      ["GET /data HTTP/1.1 extra\r\n" + host + "\r\n", false, 400],
      ["G\u0000T /data HTTP/1.1\r\n" + host + "\r\n", false, 400],
      ["GET /da ta HTTP/1.1\r\n" + host + "\r\n", false, 400],
      ["GET /data HTTP/1.1\r\n" + host + "Bad Header\r\n\r\n", false, 400],
      ["GET /data HTTP/1.1\r\n" + host + "X: a\r\n folded\r\n\r\n", false, 400],
      [
        "POST /data HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n",
        false,
        400,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\n",
        false,
        400,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host +
        "Content-Length: 3\r\nContent-Length: 7\r\n\r\n{}}",
        false,
        400,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host +
        "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
        false,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(200_000) +
        "\r\n\r\n",
        false,
      ],
      [
        "GET /data HTTP/1.1\r\n" + host +
        Array.from({ length: 500 }, (_, i) => `X-H${i}: ${i}\r\n`).join("") +
        "\r\n",
        false,
      ],
      // no Host at all: still answered by the app
      ["GET /nope HTTP/1.1\r\n\r\n", true, 404],
      [
        "GET http://evil.example/data?since=-1 HTTP/1.1\r\n" + host + "\r\n",
        true,
        400,
      ],
      [
        "POST /data?channel=ref HTTP/1.1\r\n" + host +
        'Content-Type: application/json\r\nContent-Length: 6\r\n\r\n{"y":}',
        true,
        400,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host +
        "Content-Length: 99999999999999999999999\r\n\r\n",
        false,
        400,
      ],
      [
        "POST /data HTTP/1.1\r\n" + host +
        "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n" +
        '5\r\n{"y":\r\n0\r\n\r\n',
        false,
      ],
    ];
    const [text, app, status] = rng.pick(cases);
    return {
      category: "malformedRaw",
      kind: "raw",
      bytes: encoder.encode(text),
      app,
      status,
    };
  },
};

/**
 * Bodies that stop midway: each must be answered 408 by the body timeout, whatever the framing;
 * one client gives up first, which must not count as a server error either.
 */
const STALLS: StallCase[] = [
  {
    kind: "stall",
    name: "JSON with Content-Length",
    head: "Content-Type: application/json\r\nContent-Length: 1000\r\n",
    partial: '{"y":[1,2,3,',
  },
  {
    kind: "stall",
    name: "binary with Content-Length",
    head: "Content-Type: application/octet-stream\r\nContent-Length: 1600\r\n",
    partial: "\u0000".repeat(40),
  },
  {
    kind: "stall",
    name: "JSON, chunked",
    head: "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
    partial: '6\r\n{"y":[\r\n',
  },
  {
    kind: "stall",
    name: "JSON with Content-Length, abandoned",
    head: "Content-Type: application/json\r\nContent-Length: 1000\r\n",
    partial: '{"y":[1,2,3,',
    abandonAfterMs: 100,
  },
];

interface Raw {
  /** the status line's code, or null when the server closed (or went quiet) without a reply */
  status: number | null;
  headers: string;
  body: string;
  ms: number;
}

/** Reads one HTTP/1.1 response from `conn`, until it is complete, EOF or `timeoutMs`. */
async function readResponse(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<Raw> {
  const started = performance.now();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const parse = (): Raw | null => {
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    const text = decoder.decode(all);
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) return null;
    const headers = text.slice(0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
    const body = text.slice(end + 4);
    if (length && encoder.encode(body).length < Number(length[1])) return null;
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(headers);
    return {
      status: status ? Number(status[1]) : null,
      headers,
      body,
      ms: performance.now() - started,
    };
  };
  try {
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      const n = await Promise.race([conn.read(buf).catch(() => null), late]);
      if (n === null) break; // EOF, reset, or out of time
      chunks.push(buf.slice(0, n));
      total += n;
      const done = parse();
      if (done) return done;
    }
  } finally {
    clearTimeout(timer);
  }
  const partial = parse();
  return partial ?? {
    status: null,
    headers: "",
    body: "",
    ms: performance.now() - started,
  };
}

/** Checks what a client sees of a refusal from the app: 4xx and `{status:"error", message}`. */
function assertRefusal(
  what: string,
  status: number,
  contentType: string | null,
  text: string,
  expected?: number,
): void {
  if (expected !== undefined) {
    assert.equal(
      status,
      expected,
      `${what}: status ${status}, expected ${expected}: ${text.slice(0, 200)}`,
    );
  }
  assert.ok(status >= 400 && status < 500, `${what}: status ${status}`);
  assert.match(
    contentType ?? "",
    /^application\/json/,
    `${what}: content-type`,
  );
  let body: { status?: unknown; message?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${what}: body is not JSON: ${text.slice(0, 200)}`);
  }
  assert.ok(
    body.status === "error" && typeof body.message === "string",
    `${what}: not an error reply: ${text.slice(0, 200)}`,
  );
}

async function runHttp(
  base: string,
  c: HttpCase,
  what: string,
): Promise<number> {
  const res = await fetch(base + c.path, c.init);
  const text = await res.text();
  assertRefusal(
    what,
    res.status,
    res.headers.get("content-type"),
    text,
    c.status,
  );
  if (res.status === 405) {
    assert.equal(
      res.headers.get("allow"),
      "GET, HEAD, POST, DELETE",
      `${what}: Allow header`,
    );
  }
  return res.status;
}

async function runRaw(
  base: string,
  c: RawCase,
  what: string,
): Promise<number | null> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    // the server may answer and close before it has read everything we send
    await conn.write(c.bytes).catch(() => {});
    const r = await readResponse(conn, 2000);
    if (r.status === null) {
      assert.ok(
        c.status === undefined,
        `${what}: expected ${c.status}, got no reply`,
      );
      return null;
    }
    if (c.status !== undefined) {
      assert.equal(
        r.status,
        c.status,
        `${what}: status ${r.status}, expected ${c.status}`,
      );
    }
    // Deno's HTTP layer answers requests it cannot parse itself, with an empty body; what
    // reaches the app must get the app's JSON
    assert.ok(r.status >= 400 && r.status < 500, `${what}: status ${r.status}`);
    if (c.app) {
      const type = /\r\ncontent-type: *([^\r]*)/i.exec(r.headers)?.[1] ?? null;
      assertRefusal(what, r.status, type, r.body);
    }
    return r.status;
  } finally {
    conn.close();
  }
}

async function runStall(
  base: string,
  c: StallCase,
  what: string,
): Promise<number | null> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(encoder.encode(
      `POST /data?channel=ref HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${c.head}\r\n${c.partial}`,
    ));
    if (c.abandonAfterMs !== undefined) {
      // what the server makes of it shows in /metrics, checked at the end: not a 5xx
      const r = await readResponse(conn, c.abandonAfterMs);
      assert.equal(r.status, null, `${what}: answered before the timeout`);
      return null;
    }
    const r = await readResponse(conn, 1500);
    // the body timeout is 500 ms: the answer (or the close) must come well within a second
    assert.ok(
      r.ms < BODY_TIMEOUT_MS + 700,
      `${what}: answered after ${r.ms} ms`,
    );
    if (r.status === null) return null; // closed: also a refusal
    const type = /\r\ncontent-type: *([^\r]*)/i.exec(r.headers)?.[1] ?? null;
    assertRefusal(what, r.status, type, r.body, 408);
    return r.status;
  } finally {
    conn.close();
  }
}

/**
 * Sends request-header bytes one at a time for about a second, then drops the connection; runs
 * alongside the rest. Anything the server says meanwhile must be a 4xx.
 */
async function trickle(base: string, what: string): Promise<void> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const reply = readResponse(conn, 1500);
  try {
    const head = encoder.encode(
      `POST /data?channel=ref HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        "Content-Type: application/json\r\nX-Slow: " + "s".repeat(200),
    );
    const until = performance.now() + 1000;
    for (let i = 0; i < head.length && performance.now() < until; i++) {
      const ok = await conn.write(head.subarray(i, i + 1)).then(
        () => true,
        () => false,
      );
      if (!ok) break; // the server hung up on us: fine
      await new Promise((r) => setTimeout(r, 40));
    }
  } finally {
    conn.close();
  }
  const r = await reply;
  if (r.status !== null) {
    assert.ok(r.status >= 400 && r.status < 500, `${what}: status ${r.status}`);
  }
}

Deno.test({
  name:
    "adversarial HTTP - 1000 hostile requests in a row leave the server healthy and the data intact",
  async fn() {
    const env = {
      OSC_PUBLISH_RATE: "0",
      OSC_MAX_BODY: "64KiB",
      OSC_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    };
    await withServer(env, async (base, app) => {
      const xs = Array.from({ length: 100 }, (_, i) => i * 0.25);
      const ys = xs.map((x) => Math.round(Math.sin(x) * 1e6) / 1e3);
      const made = await post(base, { x: xs, y: ys }, {
        query: "?channel=ref",
      });
      assert.equal(made.status, 200);
      const reference = await send(`${base}/data?channel=ref`);
      assert.equal(reference.status, 200);
      assert.equal(reference.json.channels.ref.seq, 100);

      const rng = prng(SEED);
      const names = Object.keys(GENERATORS);
      const seen: Record<string, number> = {};
      const statuses: Record<string, number> = {};
      // a failed case is noted and the run goes on, so one run shows every kind of failure
      const problems: string[] = [];
      const check = async (what: string, fn: () => Promise<void>) => {
        try {
          await fn();
        } catch (e) {
          if (!(e instanceof assert.AssertionError)) throw e;
          const message = e.message.split("\n")[0];
          problems.push(
            message.startsWith(what) ? message : `${what}: ${message}`,
          );
        }
      };
      const trickles: Promise<void>[] = [];
      const started = performance.now();
      for (let i = 0; i < REQUESTS; i++) {
        let c: Case;
        if (i % 200 === 100) {
          c = { ...STALLS[(i / 200 | 0) % STALLS.length], category: "stall" };
        } else if (i % 250 === 10) {
          c = { kind: "trickle", category: "trickle" };
        } else {
          c = GENERATORS[rng.pick(names)](rng);
        }
        const detail = c.kind === "http"
          ? ` ${c.init.method ?? "GET"} ${c.path.slice(0, 80)}`
          : c.kind === "stall"
          ? ` ${c.name}`
          : "";
        const what = `case ${i} (${c.category}${detail})`;
        seen[c.category] = (seen[c.category] ?? 0) + 1;
        let status: number | null | "failed" = "failed";
        await check(what, async () => {
          if (c.kind === "http") status = await runHttp(base, c, what);
          else if (c.kind === "raw") status = await runRaw(base, c, what);
          else if (c.kind === "stall") status = await runStall(base, c, what);
          else {
            trickles.push(check(what, () => trickle(base, what)));
            status = null; // whatever it gets is checked in the background
          }
        });
        const key = String(status ?? "no reply");
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      await Promise.all(trickles);
      const elapsedMs = performance.now() - started;

      // every category was exercised, more than a token amount
      for (const name of names) {
        assert.ok((seen[name] ?? 0) >= 40, `${name}: only ${seen[name]} cases`);
      }
      assert.equal(seen.stall, 5); // each of the 4 kinds, the first twice
      assert.equal(seen.trickle, 4);
      assert.ok(elapsedMs < 15_000, `1000 requests took ${elapsedMs} ms`);

      // healthy, unchanged, and nothing stored anywhere else
      await check("afterwards", async () => {
        const health = await send(`${base}/healthz`);
        assert.equal(health.status, 200);
        assert.deepEqual(health.json, { status: "ok", store: "memory" });
        const after = await send(`${base}/data?channel=ref`);
        assert.equal(after.status, 200);
        assert.equal(
          after.text,
          reference.text,
          "the reference channel is byte-for-byte unchanged",
        );
        const all = await send(`${base}/data`);
        assert.deepEqual(Object.keys(all.json.channels), ["ref"]);
        assert.deepEqual(app.state.channels.names(), ["ref"]);
        assert.equal(
          app.state.metrics.value("osc_points_accepted_total"),
          100,
          "only the reference points were ever accepted",
        );
      });
      // no 5xx anywhere, including answers to clients that had already gone
      await check("metrics", async () => {
        const metrics = await send(`${base}/metrics`);
        const fiveHundreds = metrics.text.split("\n").filter((l) =>
          l.startsWith("osc_http_requests_total") && /status="5/.test(l)
        );
        assert.equal(
          fiveHundreds.length,
          0,
          `no request was answered with a 5xx: ${fiveHundreds.join("; ")}`,
        );
      });
      // and it still takes data
      await check("a normal POST afterwards", async () => {
        const more = await post(base, { x: 25, y: 1 }, {
          query: "?channel=ref",
        });
        assert.equal(more.status, 200);
        assert.equal(more.json.seq, 101);
      });
      console.log(
        `adversarial: ${REQUESTS} requests in ${
          Math.round(elapsedMs)
        } ms; statuses ${JSON.stringify(statuses)}`,
      );
      assert.deepEqual(
        problems,
        [],
        "every hostile request was refused cleanly",
      );
    });
  },
});
