// The demo sender, as in the original: a Gaussian y (mean 0, std 20) against a counter x, one
// point every 0.2 s, printing each reply. More shapes and speeds through flags:
//
//   deno task send --url http://localhost:8080/data
//   deno task send --wave sine --rate 200 --batch 20 --channel sine1
//   deno task send --token "$OSC_PUBLISH_TOKEN" --count 100
//   deno task send --format lines --rate 1000 --channel uno    (one streamed text body)
//   deno task send --format influx --rate 100 --batch 10       (line protocol, /api/v2/write)
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    url: { type: "string", default: "http://localhost:8080/data" },
    rate: { type: "string", default: "5" }, // points per second
    batch: { type: "string", default: "1" }, // points per POST
    channel: { type: "string" },
    wave: { type: "string", default: "noise" }, // noise | sine | square
    mean: { type: "string", default: "0" },
    std: { type: "string", default: "20" },
    freq: { type: "string", default: "0.5" }, // cycles per unit of x, for sine and square
    amplitude: { type: "string", default: "20" },
    step: { type: "string", default: "1" }, // x increment per point
    count: { type: "string" }, // stop after this many points
    token: { type: "string" },
    // json | ndjson | lines | influx | binary
    format: { type: "string", default: "json" },
    // JSON columns as {"y":[…],"dx":step} instead of x values
    dx: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (opts.help) {
  console.log(
    `usage: deno task send [--url URL] [--rate N] [--batch N] [--channel NAME]
       [--wave noise|sine|square] [--mean M --std S] [--freq F --amplitude A]
       [--step DX] [--count N] [--token T] [--quiet]
       [--format json|ndjson|lines|influx|binary] [--dx]

  json    one JSON body per batch: a point, or columns (with --dx: y and dx)
  ndjson  one NDJSON body per batch, a {"x","y"} line per point
  lines   ONE text/plain body streamed for the whole run, an "x,y" line per point
  influx  line protocol to /api/v2/write, a "<channel> y=<value> <time ms>" line per point
  binary  little-endian float64 x,y pairs per batch`,
  );
  Deno.exit(0);
}

function num(name: keyof typeof opts, positive = false): number {
  const n = Number(opts[name]);
  if (!Number.isFinite(n) || (positive && n <= 0)) {
    console.error(
      `--${name} must be a ${positive ? "positive " : ""}number, got ${
        opts[name]
      }`,
    );
    Deno.exit(2);
  }
  return n;
}

const rate = num("rate", true);
const batch = Math.max(1, Math.floor(num("batch", true)));
const mean = num("mean");
const std = num("std");
const freq = num("freq");
const amplitude = num("amplitude");
const step = num("step", true);
const limit = opts.count === undefined ? Infinity : num("count", true);
const FORMATS = ["json", "ndjson", "lines", "influx", "binary"];
if (!FORMATS.includes(opts.format!)) {
  console.error(
    `--format must be one of ${FORMATS.join(", ")}, got ${opts.format}`,
  );
  Deno.exit(2);
}
if (!["noise", "sine", "square"].includes(opts.wave!)) {
  console.error(`--wave must be noise, sine or square, got ${opts.wave}`);
  Deno.exit(2);
}

/** A standard normal sample (Box–Muller). */
function gauss(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function sample(x: number): number {
  const noise = gauss() * std * (opts.wave === "noise" ? 1 : 0.05);
  if (opts.wave === "sine") {
    return mean + amplitude * Math.sin(2 * Math.PI * freq * x) + noise;
  }
  if (opts.wave === "square") {
    return mean + amplitude * (Math.sin(2 * Math.PI * freq * x) >= 0 ? 1 : -1) +
      noise;
  }
  return mean + noise;
}

const TYPES: Record<string, string> = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  lines: "text/plain",
  influx: "text/plain; charset=utf-8",
  binary: "application/octet-stream",
};
const headers: Record<string, string> = { "Content-Type": TYPES[opts.format!] };
if (opts.token) {
  headers.Authorization = `${
    opts.format === "influx" ? "Token" : "Bearer"
  } ${opts.token}`;
}
const url = opts.format === "influx"
  ? opts.url!.replace(
    /\/data(\?.*)?$/,
    "/api/v2/write?org=lab&bucket=demo&precision=ms",
  )
  : opts.channel
  ? `${opts.url}${opts.url!.includes("?") ? "&" : "?"}channel=${
    encodeURIComponent(opts.channel)
  }`
  : opts.url!;
const measurement = opts.channel?.replace(/[^A-Za-z0-9_:-]/g, "_") ?? "demo";

/** The body of one request holding points (xs, ys), in the chosen format. */
function encode(xs: number[], ys: number[]): BodyInit {
  switch (opts.format) {
    case "ndjson":
    case "lines":
      return xs.map((x, i) =>
        opts.format === "ndjson"
          ? JSON.stringify({ x, y: ys[i] })
          : `${x},${ys[i]}`
      ).join("\n") + "\n";
    case "influx": {
      const now = Date.now();
      return xs.map((_, i) =>
        `${measurement} y=${ys[i]} ${now - (xs.length - 1 - i)}`
      ).join("\n");
    }
    case "binary": {
      const pairs = new Float64Array(2 * xs.length);
      xs.forEach((x, i) => {
        pairs[2 * i] = x;
        pairs[2 * i + 1] = ys[i];
      });
      return new Uint8Array(pairs.buffer);
    }
    default:
      return JSON.stringify(
        xs.length === 1
          ? { x: xs[0], y: ys[0] }
          : opts.dx
          ? { y: ys, dx: step }
          : { x: xs, y: ys },
      );
  }
}

console.log(
  `sending to ${url}: ${opts.wave}, ${rate} points/s in batches of ${batch} as ${opts.format} (Ctrl-C stops)`,
);
let x = 0;
let sent = 0;
const started = performance.now();
let stop = false;
Deno.addSignalListener("SIGINT", () => (stop = true));

/** The next batch of points, paced against the start time so slow replies don't drift. */
async function nextBatch(): Promise<[number[], number[]] | null> {
  if (stop || sent >= limit) return null;
  const due = started + (sent / rate) * 1000;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const n = Math.min(batch, limit - sent);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(Number(x.toFixed(9)));
    ys.push(Number(sample(x).toFixed(4)));
    x += step;
  }
  sent += n;
  return [xs, ys];
}

if (opts.format === "lines") {
  // one body for the whole run, as a serial pipe into curl -T - would send
  const bytes = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await nextBatch();
      if (next === null) return controller.close();
      controller.enqueue(bytes.encode(encode(...next) as string));
    },
  });
  try {
    const res = await fetch(url, { method: "POST", headers, body });
    console.log(`HTTP ${res.status}: ${await res.text()}`);
  } catch (e) {
    console.error(`error sending: ${(e as Error).message}`);
  }
} else {
  for (let next = await nextBatch(); next !== null; next = await nextBatch()) {
    const [xs, ys] = next;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: encode(xs, ys),
      });
      const reply = await res.text();
      if (!res.ok) console.error(`HTTP ${res.status}: ${reply}`);
      else if (!opts.quiet) {
        console.log(
          xs.length === 1
            ? `sent x=${xs[0]} y=${ys[0]} -> ${reply || res.status}`
            : `sent ${xs.length} points -> ${reply || res.status}`,
        );
      }
    } catch (e) {
      console.error(`error sending: ${(e as Error).message}`);
    }
  }
}
console.log(`\nsent ${sent} points`);
Deno.exit(0);
