import type { Config } from "./config.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** What an operator should hear at start-up about this configuration, as log messages. */
export function startupWarnings(
  config: Config,
): { msg: string; host?: string }[] {
  const warnings: { msg: string; host?: string }[] = [];
  for (
    const [name, token] of [
      ["OSC_PUBLISH_TOKEN", config.publishToken],
      ["OSC_VIEW_TOKEN", config.viewToken],
    ] as const
  ) {
    if (token !== null && token.length < 16) {
      warnings.push({
        msg:
          `${name} is shorter than 16 characters; a longer random token is much harder to guess`,
      });
    }
  }
  if (
    config.trustProxy && config.host !== "127.0.0.1" && config.host !== "::1"
  ) {
    warnings.push({
      msg:
        "OSC_TRUST_PROXY is on while listening beyond loopback: a client that reaches this port " +
        "directly can claim any address in X-Forwarded-For",
      host: config.host,
    });
  }
  if (config.publishToken === null && !LOOPBACK.has(config.host)) {
    warnings.push({
      msg:
        `publishing is open to anyone who can reach ${config.host}:${config.port} (no OSC_PUBLISH_TOKEN): ` +
        "fine on a lab network; on any other, set OSC_PUBLISH_TOKEN, or HOST=127.0.0.1 behind a proxy",
      host: config.host,
    });
  }
  return warnings;
}
