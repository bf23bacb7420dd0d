import { STORE_KINDS, type StoreKind } from "../store/store.ts";
import {
  parseTopicFilters,
  type TopicFilter,
} from "../ingest/topic_channel.ts";

/** Every setting the server reads, validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** points kept per channel */
  capacity: number;
  maxChannels: number;
  /** largest accepted request body */
  maxBodyBytes: number;
  /** most points in one POST */
  maxBatch: number;
  /** when set, POST and DELETE /data need `Authorization: Bearer <token>` */
  publishToken: string | null;
  /** origins besides the page's own that may open /ws; "*" allows any */
  allowedOrigins: string[];
  /** most points per channel sent to a viewer at once (snapshots, deltas) */
  snapshotPoints: number;
  /** interval between coalesced broadcasts */
  tickMs: number;
  /** bytes a viewer's socket may have unsent before it is skipped and later resynced */
  viewerMaxBufferedBytes: number;
  /** how long a viewer may stay backed up before it is closed */
  viewerStallMs: number;
  /** unsent bytes all viewers together may hold; past it the most backed-up ones are closed */
  viewersMaxBufferTotal: number;
  /** take the client address from the last X-Forwarded-For hop (only behind a proxy you run) */
  trustProxy: boolean;
  /**
   * A fixed cap on POST and DELETE requests per second per client address (0, the default:
   * none), and its burst; for public deployments
   */
  publishRate: number;
  publishBurst: number;
  /** event-loop delay past which the heaviest publishers are refused (0: never) */
  overloadLagMs: number;
  /** requests in progress past which the heaviest publishers are refused */
  overloadInFlight: number;
  /** WebSocket viewers in all, and per client address */
  maxViewers: number;
  maxViewersPerAddress: number;
  /** seconds between pings to a viewer; one that does not answer in time is closed */
  pingSeconds: number;
  /** how long a request body may take to arrive */
  bodyTimeoutMs: number;
  /** bytes of large request bodies being received at once, in all; past it, 503 */
  bodiesMaxTotal: number;
  /** when set, the page, GET /data, /ws and /metrics need this token */
  viewToken: string | null;
  /** origins whose pages may POST /data from a browser (CORS); "*" allows any */
  corsOrigins: string[];
  /** who may embed the page in a frame: CSP frame-ancestors sources */
  frameAncestors: string[];
  logLevel: LogLevel;
  /** where points are kept: this process only, Deno KV, or Redis Streams shared by replicas */
  store: StoreKind;
  /** the Deno KV database file; null opens the default store (the global one on Deno Deploy) */
  kvPath: string | null;
  /** how often the kv store looks for points other processes wrote to the same file */
  kvPollMs: number;
  redisUrl: string;
  /** prefix of every Redis key, so several oscilloscopes can share one server */
  redisPrefix: string;
  /** the MQTT broker to subscribe to (credentials in the URL); null: no MQTT */
  mqttUrl: string | null;
  /** the topic filters subscribed to; a message's channel is its topic after the fixed prefix */
  mqttTopics: TopicFilter[];
  /**
   * the MQTT 5 shared-subscription group replicas join, so each message is stored once
   * (`$share/<group>/<filter>`); null: plain subscriptions
   */
  mqttGroup: string | null;
  /** the client id, which names the broker's session; null: one made from the host and port */
  mqttClientId: string | null;
  /** seconds of history each channel keeps beyond its ring, in summary buckets; 0: none */
  historySeconds: number;
  /** buckets each history level keeps (64 bytes each) */
  historyBuckets: number;
  /** the UDP port taking Teleplot lines; 0: off */
  udpPort: number;
  udpHost: string;
}

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = typeof LOG_LEVELS[number];

export const DEFAULT_PORT = 8080;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  }
  const n = Number(raw);
  if (n < min || n > max) {
    throw new ConfigError(
      `${name} must be between ${min} and ${max}, got ${n}`,
    );
  }
  return n;
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Bytes from `1048576`, `512KiB`, `1M` or `1MiB` (binary units). */
function bytes(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(raw);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ConfigError(
      `${name} must be a size such as 1048576, 512KiB or 1MiB, got "${raw}"`,
    );
  }
  const n = Number(m[1]) * unit;
  if (n < min || n > max) {
    throw new ConfigError(
      `${name} must be between ${min} and ${max} bytes, got ${n}`,
    );
  }
  return n;
}

/**
 * Reads the configuration from environment variables (PORT, HOST, OSC_*); throws a ConfigError
 * naming the variable when a value is malformed or out of range.
 */
export function loadConfig(env: Env): Config {
  const token = bearerToken(env, "OSC_PUBLISH_TOKEN");
  const viewToken = bearerToken(env, "OSC_VIEW_TOKEN");
  if (token !== null && token === viewToken) {
    throw new ConfigError(
      "OSC_VIEW_TOKEN must differ from OSC_PUBLISH_TOKEN, or a viewer link could publish",
    );
  }
  const logLevel =
    (env.OSC_LOG_LEVEL?.trim().toLowerCase() || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `OSC_LOG_LEVEL must be one of ${
        LOG_LEVELS.join(", ")
      }, got "${env.OSC_LOG_LEVEL}"`,
    );
  }
  const host = env.HOST?.trim() || "0.0.0.0";
  const store = (env.OSC_STORE?.trim().toLowerCase() || "memory") as StoreKind;
  if (!STORE_KINDS.includes(store)) {
    throw new ConfigError(
      `OSC_STORE must be one of ${
        STORE_KINDS.join(", ")
      }, got "${env.OSC_STORE}"`,
    );
  }
  const redisUrl = env.OSC_REDIS_URL?.trim() || "redis://127.0.0.1:6379";
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError(
      `OSC_REDIS_URL must look like redis://host:port, got "${env.OSC_REDIS_URL}"`,
    );
  }
  const redisPrefix = env.OSC_REDIS_PREFIX?.trim() || "osc";
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError(
      "OSC_REDIS_PREFIX must be 1-64 letters, digits or _.:-",
    );
  }
  const mqtt = mqttConfig(env);
  return {
    port: integer(env, "PORT", DEFAULT_PORT, 0, 65535),
    host,
    capacity: integer(env, "OSC_CAPACITY", 100_000, 1, 50_000_000),
    maxChannels: integer(env, "OSC_MAX_CHANNELS", 32, 1, 10_000),
    maxBodyBytes: bytes(env, "OSC_MAX_BODY", 1024 ** 2, 64, 1024 ** 3),
    maxBatch: integer(env, "OSC_MAX_BATCH", 100_000, 1, 50_000_000),
    publishToken: token,
    allowedOrigins: (env.OSC_ALLOWED_ORIGINS ?? "").split(",").map((s) =>
      s.trim()
    ).filter((s) => s !== ""),
    snapshotPoints: integer(env, "OSC_SNAPSHOT_POINTS", 20_000, 1, 10_000_000),
    tickMs: integer(env, "OSC_TICK_MS", 4, 1, 10_000),
    viewerMaxBufferedBytes: bytes(
      env,
      "OSC_VIEWER_MAX_BUFFER",
      8 * 1024 ** 2,
      1024,
      1024 ** 3,
    ),
    viewerStallMs: integer(env, "OSC_VIEWER_STALL_MS", 30_000, 100, 3_600_000),
    viewersMaxBufferTotal: bytes(
      env,
      "OSC_VIEWERS_MAX_BUFFER_TOTAL",
      256 * 1024 ** 2,
      1024,
      64 * 1024 ** 3,
    ),
    trustProxy: flag(env, "OSC_TRUST_PROXY"),
    publishRate: integer(env, "OSC_PUBLISH_RATE", 0, 0, 10_000_000),
    publishBurst: integer(env, "OSC_PUBLISH_BURST", 400, 1, 10_000_000),
    overloadLagMs: integer(env, "OSC_OVERLOAD_LAG_MS", 100, 0, 60_000),
    overloadInFlight: integer(
      env,
      "OSC_OVERLOAD_IN_FLIGHT",
      2000,
      1,
      10_000_000,
    ),
    maxViewers: integer(env, "OSC_MAX_VIEWERS", 1000, 1, 1_000_000),
    maxViewersPerAddress: integer(
      env,
      "OSC_MAX_VIEWERS_PER_ADDRESS",
      20,
      1,
      1_000_000,
    ),
    pingSeconds: integer(env, "OSC_PING_S", 30, 1, 3600),
    bodyTimeoutMs: integer(env, "OSC_BODY_TIMEOUT_MS", 10_000, 100, 600_000),
    bodiesMaxTotal: bytes(
      env,
      "OSC_BODIES_MAX_TOTAL",
      64 * 1024 ** 2,
      1024,
      64 * 1024 ** 3,
    ),
    viewToken,
    corsOrigins: list(env, "OSC_CORS_ORIGINS"),
    frameAncestors: env.OSC_FRAME_ANCESTORS?.trim()
      ? list(env, "OSC_FRAME_ANCESTORS")
      : ["'self'"],
    logLevel,
    store,
    // on Deno Deploy the default store is the global, replicated one; elsewhere a local file
    kvPath: env.OSC_KV_PATH?.trim() ||
      (env.DENO_DEPLOYMENT_ID ? null : "data/oscilloscope.kv"),
    kvPollMs: integer(env, "OSC_KV_POLL_MS", 250, 10, 60_000),
    redisUrl,
    redisPrefix,
    ...mqtt,
    historySeconds: duration(
      env,
      "OSC_HISTORY",
      24 * 3600,
      0,
      10 * 365 * 86400,
    ),
    historyBuckets: integer(env, "OSC_HISTORY_BUCKETS", 8192, 16, 10_000_000),
    udpPort: integer(env, "OSC_UDP_PORT", 0, 0, 65535),
    udpHost: env.OSC_UDP_HOST?.trim() || host,
  };
}

function mqttConfig(
  env: Env,
): Pick<Config, "mqttUrl" | "mqttTopics" | "mqttGroup" | "mqttClientId"> {
  const url = env.OSC_MQTT_URL?.trim() || null;
  if (url !== null && !/^(mqtts?|wss?):\/\/[^\s/]+/.test(url)) {
    throw new ConfigError(
      "OSC_MQTT_URL must look like mqtt://host:1883 (or mqtts://, ws://, wss://; user:password@ before the host)",
    );
  }
  const topics = parseTopicFilters(env.OSC_MQTT_TOPICS ?? "osc/#");
  if ("reason" in topics) {
    throw new ConfigError(`OSC_MQTT_TOPICS: ${topics.reason}`);
  }
  const group = env.OSC_MQTT_GROUP?.trim() || "web-oscilloscope";
  if (group !== "off" && !/^[A-Za-z0-9_.-]{1,64}$/.test(group)) {
    throw new ConfigError(
      "OSC_MQTT_GROUP must be 1-64 letters, digits or _.- (or off)",
    );
  }
  const clientId = env.OSC_MQTT_CLIENT_ID?.trim() || null;
  if (clientId !== null && !/^[A-Za-z0-9_.:-]{1,128}$/.test(clientId)) {
    throw new ConfigError(
      "OSC_MQTT_CLIENT_ID must be 1-128 letters, digits or _.:-",
    );
  }
  return {
    mqttUrl: url,
    mqttTopics: topics,
    mqttGroup: group === "off" ? null : group,
    mqttClientId: clientId,
  };
}

const DURATION_UNITS: Record<string, number> = {
  "": 1,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Seconds from `3600`, `90m`, `24h` or `7d`; `0` or `off` is 0. */
function duration(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "off") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(raw);
  if (!m) {
    throw new ConfigError(
      `${name} must be a duration such as 3600, 90m, 24h or 7d (or off), got "${
        env[name]
      }"`,
    );
  }
  const n = Number(m[1]) * DURATION_UNITS[m[2]];
  if (n < min || n > max) {
    throw new ConfigError(
      `${name} must be between ${min} and ${max} seconds, got ${n}`,
    );
  }
  return n;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? "").split(",").map((s) => s.trim()).filter((s) =>
    s !== ""
  );
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase() ?? "";
  if (["", "0", "false", "no", "off"].includes(raw)) return false;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function bearerToken(env: Env, name: string): string | null {
  const token = env[name]?.trim() || null;
  if (token !== null && !/^[A-Za-z0-9._~+/-]+=*$/.test(token)) {
    throw new ConfigError(
      `${name} must be a bearer token (letters, digits and ._~+/- only)`,
    );
  }
  return token;
}
