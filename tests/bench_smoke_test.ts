// `deno task bench --quick`, the benchmark's smoke run: seconds, not minutes, so CI keeps the
// benchmark from rotting without timing anything. Figures are not asserted, only that every
// case ran and produced numbers.
import assert from "node:assert/strict";

Deno.test({
  name: "bench - the quick run measures every case and stops what it started",
  sanitizeResources: false,
  async fn() {
    const main = new URL("../tools/bench/main.ts", import.meta.url).pathname;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", main, "--quick"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const out = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr) + out);
    for (
      const heading of [
        "## 1.",
        "## 2.",
        "## 3.",
        "## 4.",
        "## 5.",
        "## 6.",
        "## 7.",
        "## 8.",
      ]
    ) {
      assert.ok(out.includes(heading), `section ${heading} ran`);
    }
    const single = /\| web oscilloscope \| ([\d,]+) \|/.exec(out);
    assert.ok(
      single && Number(single[1].replaceAll(",", "")) > 0,
      "single-point ingest was measured",
    );
    assert.match(
      out,
      /\| 1 \| f64 \| 1,000 \| [\d.]+ \|/,
      "fan-out latency was measured",
    );
    for (
      const store of ["memory", "kv \\(local file\\)", "redis \\(loopback\\)"]
    ) {
      assert.match(
        out,
        new RegExp(`\\| ${store} \\| [\\d,]+ \\| [\\d.]+× \\|`),
        `the ${store} store was measured`,
      );
    }
    assert.match(
      out,
      /\| JSON columns \(reference\) \| 1 \| [\d.]+ \| [\d,]+ \| 1\.00× \|/,
      "the publishing formats were measured",
    );
    assert.match(
      out,
      /\| first, fresh server \| 200,000 \| 200 \| 200,000 \|/,
      "the long stream was stored whole",
    );
  },
});
