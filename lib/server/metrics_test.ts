import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

Deno.test("metrics - counters and gauges in the Prometheus text format", () => {
  const m = new Metrics();
  const requests = m.counter(
    "osc_http_requests_total",
    "Requests by route and status.",
  );
  requests({ route: "/data", status: "200" });
  requests({ route: "/data", status: "200" }, 2);
  requests({ route: "/data", status: "400" });
  m.gauge("osc_viewers", "Connected viewers.", () => [[{}, 3]]);
  const text = m.render();
  assert.match(
    text,
    /^# HELP osc_http_requests_total Requests by route and status\.$/m,
  );
  assert.match(text, /^# TYPE osc_http_requests_total counter$/m);
  assert.match(
    text,
    /^osc_http_requests_total\{route="\/data",status="200"\} 3$/m,
  );
  assert.match(
    text,
    /^osc_http_requests_total\{route="\/data",status="400"\} 1$/m,
  );
  assert.match(text, /^# TYPE osc_viewers gauge$/m);
  assert.match(text, /^osc_viewers 3$/m);
  assert.equal(
    m.value("osc_http_requests_total", { route: "/data", status: "200" }),
    3,
  );
});

Deno.test("metrics - label values are escaped", () => {
  const m = new Metrics();
  m.gauge("g", "x", () => [[{ channel: 'a"b\\c\nd' }, 1]]);
  assert.match(m.render(), /^g\{channel="a\\"b\\\\c\\nd"\} 1$/m);
});
