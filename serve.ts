// Listening for main.ts: a server that outlives running out of file descriptors, and a soft
// descriptor limit raised to the hard one where the system allows it.
import type { Logger } from "./lib/server/log.ts";

export interface Listening {
  /** Stops accepting, lets open requests finish, and resolves once the server has stopped. */
  shutdown(): Promise<void>;
}

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 2000;

/**
 * Serves `handler` on `hostname:port` until `shutdown()`. When accept fails — too many open
 * files (EMFILE) is the one a stranger can cause, with idle connections — Deno's server stops
 * for good and would take the process (and the memory store) with it; here the failure is
 * logged once and the server is started again, with backoff, until accept works again.
 */
export function serveResilient(
  options: {
    hostname: string;
    port: number;
    onListen: (addr: Deno.NetAddr) => void;
  },
  handler: Deno.ServeHandler,
  log: Logger,
): Listening {
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  let stopping = false;
  let failing = false;
  let retryMs = FIRST_RETRY_MS;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let listened = false;
  const start = () => {
    retry = undefined;
    if (stopping) return;
    try {
      server = Deno.serve({
        hostname: options.hostname,
        port: options.port,
        onListen(addr) {
          if (!listened) options.onListen(addr);
          listened = true;
          if (failing) {
            log.log("info", "accepting connections again");
            failing = false;
            retryMs = FIRST_RETRY_MS;
          }
        },
      }, handler);
    } catch (e) {
      // listening itself needs a descriptor; before the first listen, a failure is fatal
      if (!listened) throw e;
      return failed(e);
    }
    server.finished.catch(failed);
  };
  const failed = (e: unknown) => {
    if (stopping) return;
    if (!failing) {
      log.log(
        "error",
        "accepting connections failed; serving again as soon as the system allows",
        { error: String(e) },
      );
    }
    failing = true;
    retry = setTimeout(start, retryMs);
    retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
  };
  start();
  return {
    async shutdown() {
      stopping = true;
      clearTimeout(retry);
      await server?.shutdown().catch(() => {});
    },
  };
}

/**
 * Raises this process's soft limit on open files to its hard limit (Linux, with `prlimit` from
 * util-linux): a systemd service or a shell often starts with 1024, which some hundreds of
 * viewers and publishers use up. Returns the soft limit in force afterwards, or null if unknown.
 */
export async function raiseFileLimit(log: Logger): Promise<number | null> {
  let limits: string;
  try {
    limits = await Deno.readTextFile("/proc/self/limits");
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!m) return null;
  const soft = Number(m[1]);
  const hard = m[2] === "unlimited" ? 1_048_576 : Number(m[2]);
  if (!(soft < hard)) return soft;
  try {
    const { code } = await new Deno.Command("prlimit", {
      args: [`--pid=${Deno.pid}`, `--nofile=${hard}:${hard}`],
      stdout: "null",
      stderr: "null",
    }).output();
    if (code === 0) return hard;
  } catch {
    // no prlimit, or no permission to run it
  }
  log.log(
    "warn",
    `the limit on open files is ${soft}; raise it (ulimit -n ${hard}, or LimitNOFILE in a systemd unit) for more connections`,
  );
  return soft;
}
