import assert from "node:assert/strict";
import { createLogger } from "./log.ts";

Deno.test("log - one JSON object per line, at or above the level", () => {
  const lines: string[] = [];
  const log = createLogger("info", (l) => lines.push(l));
  log.log("debug", "hidden");
  log.log("info", "listening", { port: 8080 });
  log.log("error", "failed", { path: "/data" });
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]);
  assert.equal(first.level, "info");
  assert.equal(first.msg, "listening");
  assert.equal(first.port, 8080);
  assert.ok(!Number.isNaN(Date.parse(first.time)));
  assert.equal(log.enabled("debug"), false);
  assert.equal(log.enabled("warn"), true);
});
