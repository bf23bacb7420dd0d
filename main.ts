// Reads the configuration, serves createApp(config) and stops gracefully on SIGINT/SIGTERM.
// Everything else is built in app.ts.
import { createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./lib/server/config.ts";
import { startupWarnings } from "./lib/server/warnings.ts";
import { raiseFileLimit, serveResilient } from "./serve.ts";

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

function configOrExit(): Config {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      msg: `configuration error: ${e.message}`,
    }));
    Deno.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const app = createApp(config);
  const { log } = app.state;
  try {
    await app.open();
  } catch (e) {
    log.log("error", `the ${config.store} store could not be opened`, {
      error: String(e),
    });
    Deno.exit(1);
  }
  for (const { msg, ...fields } of startupWarnings(config)) {
    log.log("warn", msg, fields);
  }
  await raiseFileLimit(log);
  const server = serveResilient(
    {
      hostname: config.host,
      port: config.port,
      onListen({ hostname, port }) {
        const shown = hostname === "0.0.0.0" || hostname === "::"
          ? "localhost"
          : hostname;
        log.log("info", "Web Oscilloscope listening", {
          url: `http://${shown}:${port}`,
          publish: `POST http://${shown}:${port}/data`,
          private: config.viewToken !== null,
          publishToken: config.publishToken !== null,
        });
      },
    },
    app.fetch,
    log,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(
      "info",
      "shutting down: closing viewers, finishing requests in flight",
      { signal },
    );
    // bounded: a client that never finishes its request cannot hold the process
    const limit = setTimeout(() => {
      log.log(
        "warn",
        "shutdown limit reached; exiting with requests still open",
        { limitMs: SHUTDOWN_LIMIT_MS },
      );
      Deno.exit(0);
    }, SHUTDOWN_LIMIT_MS);
    await app.drain(SHUTDOWN_LIMIT_MS);
    await server.shutdown();
    // every acknowledged point is in the store already; this lets go of its connections
    await app.state.store.close();
    clearTimeout(limit);
    log.log("info", "stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
}

if (import.meta.main) await main();
