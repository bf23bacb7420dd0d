import { formatRate } from "../../lib/scope/si.ts";
import { formatPerDiv } from "../../lib/scope/timebase.ts";
import type { ScopeModel } from "../state/model.ts";

const STATUS_TEXT = {
  roll: "Roll",
  "trig'd": "Trig'd",
  auto: "Auto",
  ready: "Ready",
  stop: "Stop",
  hold: "Hold",
} as const;

/** The bottom line: connection, viewers, ingest rate and buffer fill from GET /status. */
export function StatusLine(props: { model: ScopeModel }) {
  const { model } = props;
  const server = model.server.value;
  const conn = model.connection.value;
  const v = model.view.value;
  const fill = server && server.channels.length > 0
    ? Math.max(...server.channels.map((c) => c.count / c.capacity))
    : null;
  const held = server ? server.channels.reduce((n, c) => n + c.count, 0) : null;
  const local = model.channels.value.reduce((n, c) => n + c.rate, 0);
  const rate = server?.pointsPerSecond ?? local;
  return (
    <footer class="status-line" aria-label="Status">
      <span data-status="connection" class={`st st-${conn}`}>
        <span class="conn-dot" aria-hidden="true" />
        {conn === "live" ? "connected" : conn}
      </span>
      <span data-status="viewers">
        {server
          ? `${server.viewers} viewer${server.viewers === 1 ? "" : "s"}`
          : "– viewers"}
      </span>
      <span data-status="ingest">ingest {formatRate(rate)}</span>
      {server && (server.refused.perSecond ?? 0) > 0 && (
        // never silent: a publisher losing points shows here, with the server's reason
        <span
          data-status="refused"
          class="st-bad"
          title={server.refused.last?.message ?? ""}
        >
          refused {formatRate(server.refused.perSecond!)}
          {server.refused.last
            ? ` (${server.refused.last.reason.replaceAll("_", " ")})`
            : ""}
        </span>
      )}
      <span
        data-status="buffer"
        title={held === null ? "" : `${held} points on the server`}
      >
        buffer{" "}
        {fill === null ? "–" : `${(fill * 100).toFixed(fill < 0.1 ? 1 : 0)} %`}
      </span>
      {server &&
        (server.store.kind !== "memory" || server.store.health !== "ok") && (
        <span
          data-status="store"
          class={server.store.health === "ok" ? "" : "st-bad"}
          title="Where the server keeps points; while it is down, publishes are refused"
        >
          store {server.store.kind} {server.store.health}
        </span>
      )}
      {server?.ways?.map((w) => (
        // a broker that is away shows here: its senders get no reply to say so
        <span
          key={w.name}
          data-status={w.name}
          class={w.state === "connected" || w.state === "listening"
            ? ""
            : "st-bad"}
          title={w.detail}
        >
          {w.name.toUpperCase()} {w.state}
        </span>
      ))}
      {model.serverError.value && (
        <span class="st-bad">{model.serverError.value}</span>
      )}
      <span class="status-right">
        <span data-status="acq">{STATUS_TEXT[model.status.value]}</span>
        <span data-status="timebase">
          {v.timePerDiv === null ? "fit" : formatPerDiv(v.timePerDiv, "s")}
        </span>
        {v.trigger.enabled && !v.roll && (
          <span data-status="trigger">
            T {model.triggerSource() ?? "–"}{" "}
            {v.trigger.edge === "rising" ? "↑" : "↓"}{" "}
            {String(Number(v.trigger.level.toPrecision(4)))}
          </span>
        )}
      </span>
    </footer>
  );
}
