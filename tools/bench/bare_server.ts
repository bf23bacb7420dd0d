// The reference for ingest benchmarks: the least a Deno.serve handler must do to accept points —
// parse the body, check every value is finite, copy into typed arrays, answer JSON — without
// routing, middleware, buffering or fan-out. What our server achieves is reported as a ratio
// of this, measured in the same run on the same machine.
//   deno run --allow-net tools/bench/bare_server.ts PORT
const port = Number(Deno.args[0] ?? 8090);
let lastSeq = 0;
const x = new Float64Array(100_000);
const y = new Float64Array(100_000);
let head = 0;

function store(xs: ArrayLike<number>, ys: ArrayLike<number>): Response | null {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      return Response.json({ status: "error" }, { status: 400 });
    }
    x[head] = xs[i];
    y[head] = ys[i];
    head = (head + 1) % x.length;
  }
  lastSeq += xs.length;
  return null;
}

function ok(n: number): Response {
  return Response.json({
    status: "success",
    accepted: n,
    channel: "default",
    seq: lastSeq,
  });
}

Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (req) => {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("application/octet-stream")) {
    const buf = new Uint8Array(await req.arrayBuffer());
    if (buf.length % 16 !== 0) {
      return Response.json({ status: "error" }, { status: 400 });
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const n = buf.length / 16;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = view.getFloat64(i * 16, true);
      ys[i] = view.getFloat64(i * 16 + 8, true);
    }
    return store(xs, ys) ?? ok(n);
  }
  const body = JSON.parse(await req.text());
  if (Array.isArray(body)) {
    const xs = new Float64Array(body.length);
    const ys = new Float64Array(body.length);
    for (let i = 0; i < body.length; i++) {
      xs[i] = body[i].x;
      ys[i] = body[i].y;
    }
    return store(xs, ys) ?? ok(body.length);
  }
  if (Array.isArray(body.y)) return store(body.x, body.y) ?? ok(body.y.length);
  return store([body.x], [body.y]) ?? ok(1);
});
