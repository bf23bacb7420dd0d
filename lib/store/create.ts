import { Channels } from "./channels.ts";
import { levelWidths } from "./history.ts";
import { KvStore } from "./kv.ts";
import {
  LazyStore,
  MemoryStore,
  type Mirror,
  type Store,
  type StoreKind,
  type StoreLog,
} from "./store.ts";

/** The settings a store is made from (the server's Config has them all). */
export interface StoreSettings {
  store: StoreKind;
  /** points kept per channel */
  capacity: number;
  maxChannels: number;
  kvPath: string | null;
  kvPollMs: number;
  redisUrl: string;
  redisPrefix: string;
  /** seconds of history each channel keeps in summary buckets beyond its ring (0: none) */
  historySeconds: number;
  /** buckets per history level */
  historyBuckets: number;
}

/** The channels every store keeps current: this instance's mirror of what is stored. */
export function createChannels(settings: StoreSettings): Channels {
  return new Channels(
    settings.capacity,
    settings.maxChannels,
    settings.historySeconds > 0
      ? {
        widths: levelWidths(settings.historySeconds, settings.historyBuckets),
        buckets: settings.historyBuckets,
      }
      : null,
  );
}

/** The store `settings.store` names; Redis's client is loaded only when it is the one used. */
export function createStore(
  settings: StoreSettings,
  mirror: Mirror,
  log: StoreLog,
): Store {
  const limits = {
    capacity: settings.capacity,
    maxChannels: settings.maxChannels,
    log,
  };
  switch (settings.store) {
    case "memory":
      return new MemoryStore(mirror);
    case "kv":
      return new KvStore(mirror, {
        path: settings.kvPath,
        pollMs: settings.kvPollMs,
        ...limits,
      });
    case "redis":
      return new LazyStore("redis", async () => {
        const { RedisStore } = await import("./redis.ts");
        return new RedisStore(mirror, {
          url: settings.redisUrl,
          prefix: settings.redisPrefix,
          ...limits,
        });
      });
  }
}
