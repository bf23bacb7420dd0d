// The container, end to end: `docker build` of the Dockerfile as it is, then the image run as
// it would be deployed: serving, storing, healthy by its own HEALTHCHECK (on $PORT too), starting
// without any network, stopping cleanly on SIGTERM, and holding neither local data nor the
// test tools. Needs a Docker engine (`.ci/run` installs docker.io and starts one); without one
// these tests fail, they are never skipped. Where Docker Hub cannot be reached the base image
// comes from tools/container/base_image.sh (a no-op when denoland/deno:<version> exists).
import assert from "node:assert/strict";
import { stripVTControlCharacters } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const IMAGE = "web-oscilloscope:test";
/** The permissions the server runs with; the image must keep exactly these. */
const PERMISSIONS = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write=/app/data",
  "--allow-run=prlimit",
];
/** The HEALTHCHECK's interval here: the image's 30 s would make every test wait 30 s. */
const HEALTH_INTERVAL = "2s";

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(
  cmd: string,
  args: string[],
  cwd = ROOT,
): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/** Runs docker and returns its trimmed stdout; throws with its output when it fails. */
async function docker(...args: string[]): Promise<string> {
  const out = await exec("docker", args);
  if (out.code !== 0) {
    throw new Error(
      `docker ${args.join(" ")} exited with ${out.code}:\n${
        tail(out.stdout + out.stderr)
      }`,
    );
  }
  return out.stdout.trim();
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

let built: Promise<void> | undefined;
/** The engine answers, the base image exists and the image is built (once per run). */
function image(): Promise<void> {
  return built ??= (async () => {
    let info: Output;
    try {
      info = await exec("docker", ["info", "--format", "{{.ServerVersion}}"]);
    } catch (e) {
      throw new Error(
        `the docker CLI is missing (${e}): apt-get install -y docker.io (.ci/run does)`,
      );
    }
    if (info.code !== 0) {
      throw new Error(
        "no Docker engine answers `docker info`: start dockerd (.ci/run does)\n" +
          tail(info.stderr),
      );
    }
    const base = await exec("bash", ["tools/container/base_image.sh"]);
    if (base.code !== 0) {
      throw new Error(
        `tools/container/base_image.sh failed:\n${tail(base.stderr)}`,
      );
    }
    // a local KV database (and its journal) must not reach the image
    const sentinels = await plantData();
    try {
      // --force-rm: a failed step's container goes too (the legacy builder keeps it)
      const build = await exec("docker", [
        "build",
        "--force-rm",
        "-t",
        IMAGE,
        ".",
      ]);
      if (build.code !== 0) {
        throw new Error(
          `docker build failed:\n${tail(build.stdout + build.stderr, 60)}`,
        );
      }
    } finally {
      await sentinels();
    }
  })();
}

/** Puts a KV database into data/ for the build to leave out; returns how to remove it again. */
async function plantData(): Promise<() => Promise<void>> {
  const dir = `${ROOT}data`;
  let madeDir = false;
  try {
    await Deno.mkdir(dir);
    madeDir = true;
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  const files = ["", "-wal", "-shm"].map((s) => `${dir}/container_test.kv${s}`);
  for (const f of files) await Deno.writeTextFile(f, "not for the image\n");
  return async () => {
    for (const f of files) await Deno.remove(f).catch(() => {});
    if (madeDir) await Deno.remove(dir).catch(() => {});
  };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts a container from the image and runs `fn` with its id; removes it in any case. */
async function withContainer(
  args: string[],
  fn: (id: string) => Promise<void>,
): Promise<void> {
  await image();
  const id = await docker(
    "run",
    "-d",
    `--health-interval=${HEALTH_INTERVAL}`,
    ...args,
    IMAGE,
  );
  try {
    await fn(id);
  } catch (e) {
    const logs = await exec("docker", ["logs", id]);
    throw new Error(
      `${(e as Error).message}\n--- container log:\n${
        tail(logs.stdout + logs.stderr)
      }`,
      { cause: e },
    );
  } finally {
    // -v: the anonymous volume VOLUME /app/data made for it goes too
    await exec("docker", ["rm", "-f", "-v", id]);
  }
}

async function waitFor<T>(
  what: string,
  limitMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${limitMs} ms (last: ${last})`);
}

/** GET /healthz until the server answers. */
function serving(base: string): Promise<unknown> {
  return waitFor(`${base}/healthz`, 30_000, async () => {
    const r = await fetch(`${base}/healthz`);
    const body = await r.json();
    return r.ok ? body : undefined;
  });
}

/** Waits for the container's own HEALTHCHECK to call it healthy; "unhealthy" fails at once. */
async function healthy(id: string): Promise<void> {
  // the start period (15 s) plus retries (3) at HEALTH_INTERVAL, and some
  const deadline = Date.now() + 35_000;
  for (;;) {
    const health = JSON.parse(
      await docker("inspect", "--format", "{{json .State.Health}}", id),
    );
    if (health?.Status === "healthy") return;
    // the newest run's output, without colours and stack frames
    const last = (health?.Log ?? []).at(-1);
    const log = last
      ? `exit ${last.ExitCode}: ${
        stripVTControlCharacters(last.Output).split("\n")
          .filter((l: string) => l.trim() && !/^\s+at /.test(l)).join("\n")
      }`
      : "none yet";
    if (health?.Status === "unhealthy" || Date.now() > deadline) {
      throw new Error(
        `the HEALTHCHECK says ${health?.Status}; its last run: ${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `docker stop` (SIGTERM), then the exit code and how long stopping took. */
async function stop(id: string): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  await docker("stop", id);
  const ms = Date.now() - started;
  const code = Number(
    await docker("inspect", "--format", "{{.State.ExitCode}}", id),
  );
  return { code, ms };
}

Deno.test("container: the image runs main.ts as deno with the same permissions, and holds no local data nor test tools", async () => {
  await image();
  const config = JSON.parse(
    await docker("inspect", "--format", "{{json .Config}}", IMAGE),
  );
  assert.equal(config.User, "deno");
  const cmd: string[] = config.Cmd;
  assert.equal(cmd[0], "run");
  assert.equal(cmd.at(-1), "main.ts");
  assert.deepEqual(cmd.filter((a) => a.startsWith("--allow")), PERMISSIONS);
  assert.ok(
    config.Healthcheck.StartPeriod > 0,
    "the HEALTHCHECK has a start period",
  );
  assert.equal(
    await docker(
      "run",
      "--rm",
      "--network",
      "none",
      "--entrypoint",
      "id",
      IMAGE,
      "-u",
    ),
    "1993",
  );
  // what is in the image, seen from inside it
  const probe = `
    const has = (p) => { try { Deno.statSync(p); return true; } catch { return false; } };
    const npm = "/deno-dir/npm/registry.npmjs.org";
    console.log(JSON.stringify({
      kv: ["/app/data/oscilloscope.kv", "/app/data/container_test.kv",
        "/app/data/container_test.kv-wal", "/app/data/container_test.kv-shm"].filter(has),
      data: [...Deno.readDirSync("/app/data")].map((e) => e.name),
      tools: ["playwright-core", "fast-check", "@esbuild", "esbuild", "pure-rand"]
        .filter((p) => has(npm + "/" + p)),
      elsewhere: ["/app/tests", "/app/bench", "/app/.ci", "/app/tools/scratch", "/app/node_modules"]
        .filter(has),
      needed: ["/app/main.ts", "/app/static/scope.js", npm + "/hono"].filter((p) => !has(p)),
    }));`;
  const found = JSON.parse(
    await docker(
      "run",
      "--rm",
      "--network",
      "none",
      "--entrypoint",
      "deno",
      IMAGE,
      "eval",
      "--no-config",
      probe,
    ),
  );
  assert.deepEqual(found, {
    kv: [],
    data: [],
    tools: [],
    elsewhere: [],
    needed: [],
  });
});

Deno.test("container: serves, stores a point, turns healthy and stops cleanly on SIGTERM", async () => {
  const port = freePort();
  await withContainer(["-p", `127.0.0.1:${port}:8080`], async (id) => {
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual(await serving(base), { status: "ok", store: "memory" });
    const posted = await fetch(`${base}/data`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ x: 1, y: 2 }),
    });
    assert.equal(posted.status, 200);
    assert.deepEqual(await posted.json(), {
      status: "success",
      accepted: 1,
      channel: "default",
      seq: 1,
    });
    const data = await fetch(`${base}/data`);
    assert.equal(data.status, 200);
    assert.deepEqual(await data.json(), {
      channels: { default: { seq: 1, x: [1], y: [2] } },
    });
    await healthy(id);
    const { code, ms } = await stop(id);
    assert.equal(code, 0, "SIGTERM ends the server with exit code 0");
    // docker stop sends SIGKILL after 10 s: a clean stop comes well before
    assert.ok(ms < 8000, `stopped in ${ms} ms`);
    const logs = await exec("docker", ["logs", id]);
    assert.match(logs.stdout + logs.stderr, /"signal":"SIGTERM"/);
    assert.match(logs.stdout + logs.stderr, /"msg":"stopped"/);
  });
});

Deno.test("container: PORT moves the listener and the HEALTHCHECK follows it", async () => {
  const port = freePort();
  await withContainer(
    ["-e", "PORT=9000", "-p", `127.0.0.1:${port}:9000`],
    async (id) => {
      assert.deepEqual(await serving(`http://127.0.0.1:${port}`), {
        status: "ok",
        store: "memory",
      });
      await healthy(id);
    },
  );
});

Deno.test("container: starts and serves with no network at all (nothing is fetched at start)", async () => {
  await withContainer(["--network", "none"], async (id) => {
    const answer = await waitFor(
      "/healthz inside the container",
      30_000,
      async () => {
        const out = await exec("docker", [
          "exec",
          id,
          "deno",
          "eval",
          "--no-config",
          "const r = await fetch('http://127.0.0.1:8080/healthz'); console.log(r.status, await r.text())",
        ]);
        return out.code === 0 ? out.stdout.trim() : undefined;
      },
    );
    assert.equal(answer, '200 {"status":"ok","store":"memory"}');
    const logs = await exec("docker", ["logs", id]);
    assert.doesNotMatch(logs.stdout + logs.stderr, /Download|error/i);
    assert.equal((await stop(id)).code, 0);
  });
});

Deno.test("container: a data folder the server cannot write stops it with a message saying what to do", async () => {
  await image();
  const dir = await Deno.makeTempDir({ prefix: "scope-data-" });
  try {
    // a host folder of this user (root in CI), not of uid 1993, bind-mounted over /app/data
    await Deno.chmod(dir, 0o755);
    const out = await exec("docker", [
      "run",
      "--rm",
      "--network",
      "none",
      "-e",
      "OSC_STORE=kv",
      "-v",
      `${dir}:/app/data`,
      IMAGE,
    ]);
    assert.equal(out.code, 1);
    // main.ts logs it as JSON: the store's own explanation of what it could not open
    assert.match(
      out.stdout + out.stderr,
      /could not be opened.*cannot write.*chown -R 1993:1993 <host folder>.*named volume/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
