// Processes the benchmark starts: servers on loopback on free ports, stopped by PID.

/** A free loopback port: bind to port 0, read it, release it. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** A free loopback UDP port: bound, read, released (the same as freePort, for datagrams). */
export function freeUdpPort(): number {
  const s = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const { port } = s.addr as Deno.NetAddr;
  s.close();
  return port;
}

/**
 * Waits until `ready` says a just-started child takes connections (an error counts as not yet);
 * after 10 s the child is killed and the start fails, naming `what`.
 */
async function startedWhen(
  child: Deno.ChildProcess,
  what: string,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${what} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `sig` to a child (gone already is fine) and waits for it, then runs `after`. */
function signaller(
  child: Deno.ChildProcess,
  after: () => Promise<void> = () => Promise.resolve(),
): (sig: Deno.Signal) => Promise<void> {
  return async (sig) => {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
    await child.status;
    await after();
  };
}

export interface Proc {
  pid: number;
  port: number;
  base: string;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s */
  stop(): Promise<void>;
  /** SIGKILL at once: a crash, with no chance to flush or say goodbye */
  kill(): Promise<void>;
}

/** Starts `cmd args` with PORT in its environment and waits until `probe` answers. */
export async function startServer(
  cmd: string,
  args: string[],
  opts: {
    env?: Record<string, string>;
    probe?: string;
    port?: number;
    /** start from `env` alone instead of adding it to this process's environment */
    clearEnv?: boolean;
  } = {},
): Promise<Proc> {
  const port = opts.port ?? freePort();
  const child = new Deno.Command(cmd, {
    args: args.map((a) => a.replaceAll("{port}", String(port))),
    env: { PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1", ...opts.env },
    clearEnv: opts.clearEnv ?? false,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let errors = "";
  (async () => {
    for (;;) {
      const { value, done } = await stderr.read();
      if (done) break;
      if (errors.length < 4000) errors += value;
    }
  })();
  for (;;) {
    try {
      const res = await fetch(base + (opts.probe ?? "/"), {
        method: opts.probe ? "GET" : "HEAD",
      });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`${cmd} ${args.join(" ")} did not start: ${errors}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    pid: child.pid,
    port,
    base,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // gone
        }
      }, 5000);
      await child.status;
      clearTimeout(timer);
    },
    async kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}

const REDIS = "/usr/bin/redis-server";

/**
 * Starts Debian's redis-server on a free loopback port with an append-only file in `dir` (a
 * new temporary directory unless given, so a restart on the same `dir` keeps the data).
 */
export async function startRedis(
  opts: { dir?: string; port?: number } = {},
): Promise<Proc & { url: string; dir: string }> {
  try {
    await Deno.stat(REDIS);
  } catch {
    throw new Error(
      "redis-server is not installed: apt-get install -y redis-server (deno task test does it as root)",
    );
  }
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "osc-redis-" });
  const port = opts.port ?? freePort();
  const child = new Deno.Command(REDIS, {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--daemonize",
      "no",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await startedWhen(child, `redis-server on port ${port}`, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buf = new Uint8Array(64);
      const n = await conn.read(buf);
      return new TextDecoder().decode(buf.subarray(0, n ?? 0)).includes("PONG");
    } finally {
      conn.close();
    }
  });

  const signal = signaller(child);
  return {
    pid: child.pid,
    port,
    base: `redis://127.0.0.1:${port}`,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

const MOSQUITTO = "/usr/sbin/mosquitto";

/**
 * Starts Debian's mosquitto broker on a free loopback port (anonymous, no persistence: a
 * restart forgets sessions, as a broker that crashed would), and waits until it takes
 * connections. `port` restarts one where clients expect it.
 */
export async function startMosquitto(
  opts: {
    port?: number;
    /** when given, only these users (name → password) may connect */
    users?: Record<string, string>;
  } = {},
): Promise<Proc & { url: string }> {
  try {
    await Deno.stat(MOSQUITTO);
  } catch {
    throw new Error(
      "mosquitto is not installed: apt-get install -y mosquitto mosquitto-clients (deno task test does it as root)",
    );
  }
  const port = opts.port ?? freePort();
  const dir = await Deno.makeTempDir({ prefix: "osc-mosquitto-" });
  const conf = `${dir}/mosquitto.conf`;
  let auth = "allow_anonymous true\n";
  if (opts.users) {
    // run as root, mosquitto reads the file after dropping to its own user
    await Deno.chmod(dir, 0o755);
    const file = `${dir}/passwords`;
    for (const [user, password] of Object.entries(opts.users)) {
      const made = await new Deno.Command("/usr/bin/mosquitto_passwd", {
        args: [
          "-b",
          ...(auth.startsWith("allow") ? ["-c"] : []),
          file,
          user,
          password,
        ],
        stdout: "null",
        stderr: "null",
      }).output();
      if (!made.success) throw new Error("mosquitto_passwd failed");
      auth = `allow_anonymous false\npassword_file ${file}\n`;
    }
    await Deno.chmod(file, 0o644);
  }
  await Deno.writeTextFile(
    conf,
    `listener ${port} 127.0.0.1\n${auth}persistence false\n` +
      // the tests hold thousands of QoS 1 messages for a server that is restarting
      `max_queued_messages 100000\nmax_inflight_messages 0\n`,
  );
  const child = new Deno.Command(MOSQUITTO, {
    args: ["-c", conf],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await startedWhen(child, `mosquitto on port ${port}`, async () => {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  });

  const signal = signaller(
    child,
    () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  );
  return {
    pid: child.pid,
    port,
    base: `mqtt://127.0.0.1:${port}`,
    url: `mqtt://127.0.0.1:${port}`,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

/** Resident memory of a process in bytes, from /proc. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

export function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/**
 * Starts the oscilloscope (main.ts) as its own process. Its rate and viewer limits are raised
 * far above what one load generator sends from its one loopback address — on, so their checks
 * run and cost what they cost, but never refusing the test's own clients. With `defaults`, the
 * limits are the ones an operator gets without configuring anything: nothing is raised, and no
 * OSC_* variable of this process's environment reaches the server, only `env`.
 */
export function startOscilloscope(
  env: Record<string, string> = {},
  opts: { defaults?: boolean } = {},
): Promise<Proc> {
  const main = new URL("../../main.ts", import.meta.url).pathname;
  const raised: Record<string, string> = opts.defaults ? {} : {
    OSC_PUBLISH_RATE: "10000000",
    OSC_PUBLISH_BURST: "10000000",
    OSC_MAX_VIEWERS: "100000",
    OSC_MAX_VIEWERS_PER_ADDRESS: "100000",
  };
  // HOME, PATH, DENO_DIR and the rest still pass, so the server finds its module cache; PORT
  // and HOST are startServer's to set
  const inherited = opts.defaults
    ? Object.fromEntries(
      Object.entries(Deno.env.toObject()).filter(([k]) =>
        !k.startsWith("OSC_") && k !== "PORT" && k !== "HOST"
      ),
    )
    : {};
  return startServer(Deno.execPath(), [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--unstable-kv",
    "--unstable-net",
    main,
  ], {
    env: { ...inherited, ...raised, OSC_LOG_LEVEL: "warn", ...env },
    clearEnv: opts.defaults,
    probe: "/healthz",
  });
}

/** A number for a report table: thousands separated, `digits` decimals, "–" when not finite. */
export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n)
    ? n.toLocaleString("en-US", {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    })
    : "–";
}
