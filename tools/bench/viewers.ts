// Many WebSocket viewers in one process, for the fan-out benchmark. A few "probe" viewers parse
// every message and time each point against the send time the publisher wrote into y (epoch ms,
// so both processes share the clock); the rest only receive, like browsers that keep up.
// Prints "ready" once every viewer has its snapshots, and its figures as JSON on SIGTERM.
//   deno run --allow-net tools/bench/viewers.ts URL COUNT [json|f64]
import { decodeBinary } from "../../lib/shared/wire.ts";

const [base, countArg, encodingArg] = Deno.args;
const encoding = encodingArg === "f64" ? "f64" : "json";
const count = Number(countArg);
const PROBES = Math.min(count, 10);
const latencies: number[] = [];
let bytes = 0;
let opened = 0;
let closedEarly = 0;

const sockets: WebSocket[] = [];
for (let i = 0; i < count; i++) {
  const ws = new WebSocket(
    base.replace("http", "ws") + `/ws?encoding=${encoding}`,
  );
  ws.binaryType = "arraybuffer";
  const probe = i < PROBES;
  ws.onopen = () => opened++;
  ws.onclose = () => closedEarly++;
  ws.onmessage = (e) => {
    const now = performance.timeOrigin + performance.now();
    if (typeof e.data === "string") {
      bytes += e.data.length;
      if (!probe) return;
      const msg = JSON.parse(e.data);
      if (msg.type !== "points") return;
      for (const sentAt of msg.y as number[]) latencies.push(now - sentAt);
    } else {
      bytes += (e.data as ArrayBuffer).byteLength;
      if (!probe) return;
      const msg = decodeBinary(e.data as ArrayBuffer);
      if (msg?.type !== "points") return;
      for (const sentAt of msg.y) latencies.push(now - sentAt);
    }
  };
  sockets.push(ws);
  // don't open a thousand handshakes at once
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
}
while (opened < count) {
  if (closedEarly > 0) {
    console.error(`viewers: ${closedEarly} sockets closed before opening`);
    Deno.exit(1);
  }
  await new Promise((r) => setTimeout(r, 20));
}
await new Promise((r) => setTimeout(r, 300)); // snapshots
latencies.length = 0;
console.log("ready");

Deno.addSignalListener("SIGTERM", () => {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
      : NaN;
  console.log(JSON.stringify({
    samples: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    bytes,
    closed: closedEarly,
  }));
  Deno.exit(0);
});
