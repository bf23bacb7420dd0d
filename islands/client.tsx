// Browser entry: opens the live socket first, then hydrates the server-rendered island with
// the props the server embedded.
import { hydrate } from "preact";
import type { ScopeProps } from "../lib/shared/types.ts";
import { liveUrl, openEarlySocket } from "./runtime/early_socket.ts";
import { slotsFor } from "./runtime/live_chart.ts";
import { Scope } from "./Scope.tsx";

// the chart will be as wide as its server-rendered box: its snapshots can be asked for now
const chart = document.querySelector<HTMLElement>(".chart");
if (chart) openEarlySocket(liveUrl(slotsFor(chart.clientWidth)));

const root = document.getElementById("scope-root");
const data = document.getElementById("scope-props");
if (root && data) {
  const props = JSON.parse(data.textContent ?? "{}") as ScopeProps;
  hydrate(<Scope {...props} />, root);
}
