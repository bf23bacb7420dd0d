// Running wrk (Debian's package) against a URL with a fixed body, and reading its summary.

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Installs wrk from Debian when it is missing and we are root; otherwise explains how. */
export async function ensureWrk(): Promise<void> {
  const has = async () =>
    (await new Deno.Command("sh", {
      args: ["-c", "command -v wrk"],
      stdout: "null",
    }).output()).code === 0;
  if (await has()) return;
  if (Deno.uid() !== 0) {
    throw new Error("the benchmarks need wrk: apt-get install -y wrk");
  }
  console.error("bench: installing wrk from Debian");
  await new Deno.Command("sh", {
    args: ["-c", "apt-get update -qq && apt-get install -y -qq wrk"],
    stdout: "null",
  }).output();
  if (!(await has())) {
    throw new Error("installing wrk failed: apt-get install -y wrk");
  }
}

const scripts = new Map<string, string>();

/** A wrk Lua script that POSTs `body` with `contentType`; cached per body. */
async function script(
  body: string | Uint8Array,
  contentType: string,
): Promise<string> {
  const key = contentType +
    (typeof body === "string" ? body : `bin:${body.length}`);
  const cached = scripts.get(key);
  if (cached) return cached;
  const dir = await Deno.makeTempDir({ prefix: "osc-bench-" });
  const bodyFile = `${dir}/body`;
  await Deno.writeFile(
    bodyFile,
    typeof body === "string" ? new TextEncoder().encode(body) : body,
  );
  const lua = `
local f = io.open("${bodyFile}", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "${contentType}"
`;
  const path = `${dir}/post.lua`;
  await Deno.writeTextFile(path, lua);
  scripts.set(key, path);
  return path;
}

function ms(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : n;
}

/** wrk's summary: requests/s, the 50th and 99th percentile latency, non-2xx and socket errors. */
function summary(text: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const lat = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return m ? ms(m[1], m[2]) : NaN;
  };
  const non2xx = Number(
    /Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0,
  );
  const socketErrors =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
      text,
    );
  const errors = non2xx +
    (socketErrors
      ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0)
      : 0);
  return { rps, p50Ms: lat("50"), p99Ms: lat("99"), errors };
}

async function run(
  url: string,
  path: string,
  opts: { connections: number; seconds: number },
): Promise<string> {
  const { stdout, code } = await new Deno.Command("wrk", {
    args: [
      "-t1",
      `-c${opts.connections}`,
      `-d${opts.seconds}s`,
      "--latency",
      "-s",
      path,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`wrk failed: ${text}`);
  return text;
}

export async function wrk(
  url: string,
  body: string | Uint8Array,
  opts: { contentType?: string; connections: number; seconds: number },
): Promise<WrkResult> {
  const path = await script(
    body,
    opts.contentType ?? "application/x-www-form-urlencoded",
  );
  return summary(await run(url, path, opts));
}

export interface CountedResult extends WrkResult {
  /** requests answered (wrk stops with up to one more in flight per connection) */
  requests: number;
  /** answers by HTTP status */
  statuses: Map<number, number>;
}

/**
 * Like `wrk`, with extra request headers (an `X-Forwarded-For` to pose as another address) and
 * every answer counted by status, which costs wrk a parse of each response.
 */
export async function wrkCounted(
  url: string,
  body: string,
  opts: {
    contentType?: string;
    headers?: Record<string, string>;
    connections: number;
    seconds: number;
  },
): Promise<CountedResult> {
  const dir = await Deno.makeTempDir({ prefix: "osc-bench-" });
  try {
    await Deno.writeTextFile(`${dir}/body`, body);
    const headers = {
      "Content-Type": opts.contentType ?? "application/x-www-form-urlencoded",
      ...opts.headers,
    };
    const lua = `
local f = io.open("${dir}/body", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
${
      Object.entries(headers).map(([k, v]) =>
        `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`
      ).join("\n")
    }
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  io.write(string.format("answered %d\\n", summary.requests))
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      io.write(string.format("status %d %d\\n", status, n))
    end
  end
end
`;
    await Deno.writeTextFile(`${dir}/post.lua`, lua);
    const text = await run(url, `${dir}/post.lua`, opts);
    const statuses = new Map<number, number>();
    for (const [, status, n] of text.matchAll(/^status (\d+) (\d+)$/gm)) {
      statuses.set(
        Number(status),
        (statuses.get(Number(status)) ?? 0) + Number(n),
      );
    }
    const answered = /^answered (\d+)$/m.exec(text);
    if (!answered) throw new Error(`wrk's script did not report: ${text}`);
    return { ...summary(text), requests: Number(answered[1]), statuses };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
