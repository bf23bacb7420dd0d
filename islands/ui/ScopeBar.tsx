import type { ScopeModel } from "../state/model.ts";

/** The connection: live, connecting, or reconnecting with the wait before the next try. */
export function Connection(props: { model: ScopeModel }) {
  const state = props.model.connection.value;
  const retry = props.model.retrySeconds.value;
  return (
    <span
      class={`conn conn-${state}`}
      role="status"
      aria-live="polite"
      data-state={state}
    >
      <span class="conn-dot" aria-hidden="true" />
      {state === "live"
        ? "live"
        : state === "connecting"
        ? "connecting…"
        : `reconnecting${retry > 0 ? ` in ${retry} s` : "…"}`}
    </span>
  );
}

const BADGE = {
  roll: ["Roll", "run"],
  "trig'd": ["Trig'd", "run"],
  auto: ["Auto", "auto"],
  ready: ["Ready", "ready"],
  stop: ["Stop", "stop"],
  hold: ["Hold", "ready"],
} as const;

/** The acquisition state, as the coloured badge at the top of a bench scope's screen. */
export function AcqBadge(props: { model: ScopeModel }) {
  const status = props.model.status.value;
  const [text, tone] = BADGE[status];
  return (
    <span class={`acq acq-${tone}`} data-acq-status={status}>
      {text}
    </span>
  );
}

/** Opens the control drawer (below a wide desk, where the panel is not docked). */
export function DrawerButton(props: { model: ScopeModel }) {
  const open = props.model.drawerOpen.value;
  return (
    <button
      type="button"
      class="btn drawer-toggle"
      id="drawer-toggle"
      aria-controls="controls"
      aria-expanded={open}
      onClick={() => (props.model.drawerOpen.value = !open)}
    >
      <span aria-hidden="true">☰</span> Controls
    </button>
  );
}

/** Short messages: a file saved, a refused Clear. */
export function Notice(props: { model: ScopeModel }) {
  const n = props.model.notice.value;
  const store = props.model.server.value?.store;
  return (
    <div class="notice-area" role="status" aria-live="polite">
      {store?.health === "down" && (
        <p class="notice is-bad" data-store-down>
          The server's {store.kind}{" "}
          store is unavailable: publishes are refused (503) and nothing new
          arrives until it returns. What is on screen stays.
        </p>
      )}
      {n && <p class={n.bad ? "notice is-bad" : "notice"}>{n.text}</p>}
    </div>
  );
}
