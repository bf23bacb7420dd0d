// The demo sender, as in the original: a Gaussian y (mean 0, std 20) against a counter x, one
// point every 0.2 s, printing each reply. More shapes and speeds through flags:
//
//   deno task send --url http://localhost:8080/data
//   deno task send --wave sine --rate 200 --batch 20 --channel sine1
//   deno task send --token "$OSC_PUBLISH_TOKEN" --count 100
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
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (opts.help) {
  console.log(
    `usage: deno task send [--url URL] [--rate N] [--batch N] [--channel NAME]
       [--wave noise|sine|square] [--mean M --std S] [--freq F --amplitude A]
       [--step DX] [--count N] [--token T] [--quiet]`,
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

const headers: Record<string, string> = { "Content-Type": "application/json" };
if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
const url = opts.channel
  ? `${opts.url}${opts.url!.includes("?") ? "&" : "?"}channel=${
    encodeURIComponent(opts.channel)
  }`
  : opts.url!;

console.log(
  `sending to ${url}: ${opts.wave}, ${rate} points/s in batches of ${batch} (Ctrl-C stops)`,
);
let x = 0;
let sent = 0;
const started = performance.now();
let stop = false;
Deno.addSignalListener("SIGINT", () => (stop = true));
while (!stop && sent < limit) {
  const n = Math.min(batch, limit - sent);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(Number(x.toFixed(9)));
    ys.push(Number(sample(x).toFixed(4)));
    x += step;
  }
  const body = n === 1 ? { x: xs[0], y: ys[0] } : { x: xs, y: ys };
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const reply = await res.text();
    if (!res.ok) console.error(`HTTP ${res.status}: ${reply}`);
    else if (!opts.quiet) {
      console.log(
        n === 1
          ? `sent x=${xs[0]} y=${ys[0]} -> ${reply}`
          : `sent ${n} points -> ${reply}`,
      );
    }
  } catch (e) {
    console.error(`error sending: ${(e as Error).message}`);
  }
  sent += n;
  // pace against the start time, so slow replies don't make the rate drift
  const due = started + (sent / rate) * 1000;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
console.log(`\nsent ${sent} points`);
Deno.exit(0);
