import mqtt, {
  type IClientOptions,
  type IPublishPacket,
  type MqttClient,
} from "mqtt";
import { type MessageSink, readMessage } from "../ingest/message.ts";
import { topicChannel, type TopicFilter } from "../ingest/topic_channel.ts";
import type { Logger } from "../server/log.ts";
import type { WaysIn } from "../server/ways_in.ts";
import { type Store, StoreUnavailable } from "../store/store.ts";

/**
 * The MQTT subscriber (MQTT.js): every message on the configured topics, read as a POST /data
 * body would be and stored whole or dropped whole.
 *
 * Delivery: QoS 1 on a persistent session (MQTT 5, clean start off, a day's session expiry),
 * and a message is acknowledged only once it is stored — so what the broker kept while this
 * server was away or restarting arrives when it is back, and nothing acknowledged is lost. A
 * message that cannot be stored because the store is down is held (the broker sends no more
 * than `receiveMaximum` unacknowledged) and tried again each second; on shutdown it stays
 * unacknowledged and the broker sends it again. At least once: a message stored just before a
 * crash, whose acknowledgement never left, is stored again.
 *
 * Replicas: with a group (the default) the filters are subscribed as MQTT 5 shared subscriptions
 * (`$share/<group>/<filter>`), so the broker hands each message to one replica of the group and
 * the store gets it once. Each replica needs its own client id (its own session).
 */

export interface MqttInletOptions {
  /** as configured, credentials and all; logs and /status get it without them */
  url: string;
  topics: TopicFilter[];
  group: string | null;
  clientId: string;
  maxBytes: number;
  maxBatch: number;
  store: Store;
  sink: MessageSink;
  ways: WaysIn;
  log: Logger;
}

/** Reconnect delays: doubling from the first to the last, each ±20 % so replicas spread out. */
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;
/** How often a message held for a store that is down is tried again. */
const STORE_RETRY_MS = 1000;
/** Messages the broker may have in flight to us unacknowledged (they wait while one is held). */
const RECEIVE_MAXIMUM = 64;
const SESSION_EXPIRY_S = 24 * 3600;

/** The broker's URL without credentials, for logs and the status line. */
export function brokerName(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparsable URL)";
  }
}

export class MqttInlet {
  #client: MqttClient | null = null;
  #closing = false;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #lastError: string | null = null;
  readonly #where: string;

  constructor(readonly options: MqttInletOptions) {
    this.#where = brokerName(options.url);
  }

  /** Connects and keeps connecting until `close`; returns at once (the broker may be away). */
  start(): void {
    const { options } = this;
    const connect: IClientOptions = {
      protocolVersion: 5,
      clientId: options.clientId,
      clean: false,
      // reconnects are ours (with backoff), and so are subscriptions, renewed on each connect
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: 10_000,
      keepalive: 30,
      properties: {
        sessionExpiryInterval: SESSION_EXPIRY_S,
        receiveMaximum: RECEIVE_MAXIMUM,
        // a bigger packet could never be read whole: the broker drops it instead
        maximumPacketSize: options.maxBytes + 64 * 1024,
      },
    };
    this.options.ways.set("mqtt", "connecting", this.#where);
    const client = mqtt.connect(options.url, connect);
    this.#client = client;
    // called for each message in turn; the acknowledgement goes once `done` is called
    client.handleMessage = (packet, done) => {
      this.#handle(packet).then(() => done(), (e) => done(e as Error));
    };
    client.on("connect", () => this.#connected(client));
    client.on("error", (e) => {
      this.#lastError = e.message;
    });
    client.on("close", () => this.#closed());
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    this.options.ways.set("mqtt", "down", `${this.#where}: stopped`);
    // a normal DISCONNECT keeps the session, so the broker holds what comes meanwhile
    if (client) await client.endAsync(!client.connected).catch(() => {});
  }

  #connected(client: MqttClient): void {
    const { topics, group } = this.options;
    // MQTT.js leaves Nagle on: an acknowledgement would wait for the broker's delayed ACK
    // (a publisher's 10 KB messages went 30x slower for it); a TLS socket has it too
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(
      true,
    );
    this.#attempt = 0;
    this.#lastError = null;
    const filters = topics.map((t) =>
      group === null ? t.filter : `$share/${group}/${t.filter}`
    );
    // retain handling 2: no retained messages on subscribing; an old reading stamped with
    // today's receive time would be a wrong point
    client.subscribe(filters, { qos: 1, rh: 2 }, (err, granted) => {
      if (this.#closing) return;
      const refused = (granted ?? []).filter((g) => g.qos > 2);
      if (err || refused.length > 0) {
        const why = err?.message ??
          `the broker refused ${refused.map((g) => g.topic).join(", ")}`;
        this.options.ways.set("mqtt", "connecting", `${this.#where}: ${why}`);
        this.options.log.log("error", "mqtt subscription refused", {
          broker: this.#where,
          error: why,
        });
        return;
      }
      this.options.ways.set("mqtt", "connected", this.#where);
      this.options.log.log("info", "mqtt subscribed", {
        broker: this.#where,
        topics: filters.join(","),
      });
    });
  }

  #closed(): void {
    if (this.#closing) return;
    const why = this.#lastError ?? "connection closed";
    const delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#attempt) *
      (0.8 + 0.4 * Math.random());
    this.#attempt = Math.min(this.#attempt + 1, 16);
    this.options.ways.set(
      "mqtt",
      "connecting",
      `${this.#where}: ${why}; next try in ${(delay / 1000).toFixed(1)} s`,
    );
    // logged once per outage, not once per try
    if (this.#attempt === 1) {
      this.options.log.log("warn", "mqtt broker unreachable, retrying", {
        broker: this.#where,
        error: why,
      });
    }
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (!this.#closing) this.#client?.reconnect();
    }, delay);
  }

  async #handle(packet: IPublishPacket): Promise<void> {
    const { ways, log, store } = this.options;
    if (packet.retain) {
      ways.took("mqtt", "skipped");
      return;
    }
    const channel = topicChannel(packet.topic, this.options.topics);
    const payload = typeof packet.payload === "string"
      ? new TextEncoder().encode(packet.payload)
      : packet.payload;
    const read = typeof channel === "object" && channel !== null
      ? { ok: false as const, reason: channel.reason }
      : await readMessage(payload, {
        channel,
        maxBytes: this.options.maxBytes,
        maxBatch: this.options.maxBatch,
      }, this.options.sink);
    if (!read.ok) {
      ways.took("mqtt", "bad");
      if (log.enabled("debug")) {
        log.log("debug", "mqtt message dropped", {
          topic: packet.topic,
          reason: read.reason,
        });
      }
      return;
    }
    for (let i = 0; i < read.batches.length;) {
      const { channel, x, y } = read.batches[i];
      let stored;
      try {
        stored = await store.append(channel, x, y);
      } catch (e) {
        if (!(e instanceof StoreUnavailable) || this.#closing) throw e;
        await new Promise((r) => setTimeout(r, STORE_RETRY_MS));
        continue;
      }
      if (!stored.ok) {
        // another way in took the last channel slot meanwhile
        ways.took("mqtt", "refused");
        log.log("debug", "mqtt message refused", {
          topic: packet.topic,
          reason: stored.reason,
        });
        return;
      }
      ways.stored(x.length);
      i++;
    }
    ways.took("mqtt", "stored");
  }
}
