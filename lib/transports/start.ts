import type { MessageSink } from "../ingest/message.ts";
import type { Config } from "../server/config.ts";
import type { Logger } from "../server/log.ts";
import type { WaysIn } from "../server/ways_in.ts";
import type { Store } from "../store/store.ts";
import { MqttInlet } from "./mqtt.ts";
import { UdpInlet } from "./udp.ts";

export interface TransportDeps {
  store: Store;
  sink: MessageSink;
  ways: WaysIn;
  log: Logger;
  saturated: () => boolean;
}

/** The ways in besides HTTP, as configured: started now, stopped together by `close`. */
export interface Transports {
  mqtt: MqttInlet | null;
  udp: UdpInlet | null;
  close(): Promise<void>;
}

/**
 * Starts the MQTT subscriber and the UDP listener that `config` asks for. The UDP socket binds
 * here, so a port that is taken stops start-up with the reason; the broker may be away (the
 * subscriber keeps trying).
 */
export function startTransports(
  config: Config,
  deps: TransportDeps,
): Transports {
  const { store, sink, ways, log } = deps;
  let mqtt: MqttInlet | null = null;
  let udp: UdpInlet | null = null;
  if (config.udpPort !== 0) {
    udp = new UdpInlet({
      hostname: config.udpHost,
      port: config.udpPort,
      store,
      sink,
      ways,
      log,
      saturated: deps.saturated,
    });
    udp.start();
    log.log(
      config.publishToken === null ? "info" : "warn",
      config.publishToken === null
        ? "udp listening for Teleplot lines"
        : "udp listening for Teleplot lines; UDP carries no token, so OSC_PUBLISH_TOKEN does not guard it: keep the port on a network you trust (OSC_UDP_HOST)",
      { address: `${config.udpHost}:${udp.port}` },
    );
  }
  if (config.mqttUrl !== null) {
    mqtt = new MqttInlet({
      url: config.mqttUrl,
      topics: config.mqttTopics,
      group: config.mqttGroup,
      // the session is the client id's: stable across restarts of this replica, unique per replica
      clientId: config.mqttClientId ??
        `web-oscilloscope-${hostName()}-${config.port}`,
      maxBytes: config.maxBodyBytes,
      maxBatch: config.maxBatch,
      store,
      sink,
      ways,
      log,
    });
    mqtt.start();
  }
  return {
    mqtt,
    udp,
    async close() {
      await Promise.all([mqtt?.close(), udp?.close()]);
    },
  };
}

/**
 * This machine's name, for a client id that stays the same across restarts: /etc/hostname
 * (Linux and containers; read access is granted already), $HOSTNAME, or "local".
 */
function hostName(): string {
  let name = "";
  try {
    name = Deno.readTextFileSync("/etc/hostname").trim();
  } catch {
    name = Deno.env.get("HOSTNAME")?.trim() ?? "";
  }
  name = name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
  return name || "local";
}
