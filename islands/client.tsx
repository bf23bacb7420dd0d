// Browser entry: hydrates the server-rendered island with the props the server embedded (the
// live socket is open already: the page's inline script opened it, see early_socket.ts).
import { hydrate } from "preact";
import type { ScopeProps } from "../lib/shared/types.ts";
import { Scope } from "./Scope.tsx";

const root = document.getElementById("scope-root");
const data = document.getElementById("scope-props");
if (root && data) {
  const props = JSON.parse(data.textContent ?? "{}") as ScopeProps;
  hydrate(<Scope {...props} />, root);
}
