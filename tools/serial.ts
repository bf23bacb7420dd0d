// The serial bridge: a board on USB that prints lines (Arduino's Serial Plotter `a:1,b:2`,
// Teleplot `>name:value`, bare numbers) published to the oscilloscope.
//
//   deno task serial /dev/ttyACM0
//   deno task serial /dev/ttyUSB0 --baud 9600 --url http://scope:8080/data --token T --channel uno
//
// Lines are stamped when read and posted together every --batch-ms (20 ms: a 1 kHz board
// becomes 50 POSTs a second, not 1000). While the server is away they are kept (up to
// --max-points) and sent when it answers again. Unplug the board and plug it back in: the
// bridge waits for the device and goes on. Each second it prints what it sent; it prints every
// refusal and every line that is not a point.
//
// The task runs with --allow-all: Deno opens nothing under /dev with less (a device file could
// escape its sandbox), and the bridge needs a device file.
import { parseArgs } from "node:util";
import { LineSplitter } from "../lib/ingest/line_splitter.ts";
import { checkChannel, failureMessage } from "../lib/ingest/validate.ts";
import { Batcher } from "./serial/batcher.ts";
import { readDevice } from "./serial/device.ts";

const { values: opts, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    baud: { type: "string", default: "115200" },
    url: { type: "string", default: "http://localhost:8080/data" },
    token: { type: "string" },
    channel: { type: "string" },
    "batch-ms": { type: "string", default: "20" },
    "max-points": { type: "string", default: "1000000" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

const USAGE =
  `usage: deno task serial DEVICE [--baud 115200] [--url http://localhost:8080/data]
       [--token T] [--channel PREFIX] [--batch-ms 20] [--max-points 1000000] [--quiet]`;

function fail(message: string): never {
  console.error(`serial: ${message}\n${USAGE}`);
  Deno.exit(2);
}

if (opts.help) {
  console.log(USAGE);
  Deno.exit(0);
}
if (positionals.length !== 1) fail("give one DEVICE, e.g. /dev/ttyACM0");
const device = positionals[0];
const baud = Number(opts.baud);
if (!Number.isInteger(baud) || baud <= 0) {
  fail(`--baud must be a whole number, got ${opts.baud}`);
}
const batchMs = Number(opts["batch-ms"]);
if (!(batchMs >= 1 && batchMs <= 10_000)) fail("--batch-ms must be 1-10000");
const maxPoints = Number(opts["max-points"]);
if (!Number.isInteger(maxPoints) || maxPoints < 1) {
  fail("--max-points must be a whole number");
}
if (opts.channel !== undefined) {
  const bad = checkChannel(opts.channel, "--channel");
  if (bad) fail(failureMessage(bad));
}
let url: URL;
try {
  url = new URL(opts.url);
} catch {
  fail(`--url is not a URL: ${opts.url}`);
}

const batcher = new Batcher({ prefix: opts.channel ?? null, maxPoints });
const splitter = () => new LineSplitter(64 * 1024);
let lines = splitter();
const say = (s: string) => console.log(`serial: ${s}`);

// what was sent since the last report, printed once a second
const sent = {
  lines: 0,
  points: 0,
  posts: 0,
  channels: new Set<string>(),
  last: "",
};
let droppedLines = 0;
let lastDropReport = 0;

const stop = new AbortController();
Deno.addSignalListener("SIGINT", () => stop.abort());
Deno.addSignalListener("SIGTERM", () => stop.abort());

const reading = readDevice(device, baud, {
  opened: (p) => say(`reading ${p} at ${baud} baud`),
  lost: (p, why) => {
    say(`${p} went away (${why}); waiting for it to come back`);
    lines = splitter();
  },
  waiting: (p) => say(`waiting for ${p}`),
  sttyFailed: (p, why) =>
    say(`could not set ${p} to ${baud} baud (${why}); reading it as it is`),
  data(bytes) {
    const split = lines.push(bytes);
    if (!split.ok) {
      say("a line longer than 64 KiB without a newline: dropped");
      lines = splitter();
    }
    sent.lines += split.lines.length;
    for (const d of batcher.add(split.lines, Date.now() / 1000)) {
      droppedLines++;
      // every bad line counted, the first of each second shown
      if (Date.now() - lastDropReport > 1000) {
        lastDropReport = Date.now();
        say(
          `not a point, dropped: ${
            JSON.stringify(d.line.slice(0, 80))
          } (${d.reason})`,
        );
      }
    }
  },
}, stop.signal);

let retryAt = 0;
let backoffMs = 250;

/** Posts what is pending; keeps it for later when the server is away or busy. */
async function post(): Promise<void> {
  if (Date.now() < retryAt) return;
  const taken = batcher.take();
  if (!taken) return;
  const headers: Record<string, string> = {
    "content-type": "application/x-ndjson",
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body: taken.body });
  } catch (e) {
    batcher.putBack(taken.body);
    if (backoffMs === 250) {
      say(`cannot reach ${url} (${(e as Error).message}); keeping the points`);
    }
    retryAt = Date.now() + backoffMs;
    backoffMs = Math.min(backoffMs * 2, 10_000);
    return;
  }
  const text = await res.text();
  if (res.ok) {
    if (backoffMs > 250) say(`${url} answers again`);
    backoffMs = 250;
    sent.points += taken.points;
    sent.posts++;
    for (const c of taken.channels) sent.channels.add(c);
    sent.last = String(res.status);
    return;
  }
  let message = text;
  try {
    message = JSON.parse(text).message ?? text;
  } catch {
    // not JSON: a proxy's page
  }
  if (res.status === 429 || res.status === 503 || res.status === 408) {
    // busy: the points wait, as long as Retry-After says
    batcher.putBack(taken.body);
    const after = Number(res.headers.get("retry-after") ?? "1");
    retryAt = Date.now() + (Number.isFinite(after) ? after * 1000 : 1000);
    say(
      `refused ${res.status}, retrying in ${
        Math.round((retryAt - Date.now()) / 1000)
      } s: ${message}`,
    );
    return;
  }
  // the server will never take this body (a bad token, the channel limit): said, not retried
  say(`refused ${res.status}, ${taken.points} points dropped: ${message}`);
}

const poster = (async () => {
  while (!stop.signal.aborted) {
    const t0 = Date.now();
    await post();
    await new Promise((r) =>
      setTimeout(r, Math.max(0, batchMs - (Date.now() - t0)))
    );
  }
})();

const reporter = setInterval(() => {
  if (opts.quiet) return;
  if (sent.posts > 0) {
    say(
      `sent ${sent.points} points (${
        [...sent.channels].join(", ")
      }) in ${sent.posts} POSTs, last ${sent.last}; read ${sent.lines} lines`,
    );
  }
  if (batcher.overflowed > 0) {
    say(
      `${batcher.overflowed} points dropped: the server took too long (--max-points ${maxPoints})`,
    );
    batcher.overflowed = 0;
  }
  if (droppedLines > 1) say(`${droppedLines} lines were not points`);
  droppedLines = 0;
  Object.assign(sent, { lines: 0, points: 0, posts: 0, last: "" });
  sent.channels.clear();
}, 1000);

await reading;
await poster;
// what the board printed last still goes out
retryAt = 0;
await post();
clearInterval(reporter);
