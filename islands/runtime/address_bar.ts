import { effect } from "@preact/signals";
import {
  decodeView,
  encodeView,
  type ViewState,
} from "../../lib/scope/view_state.ts";
import { withCursors } from "../../lib/scope/cursors.ts";
import type { ScopeState } from "../state/scope_state.ts";

/**
 * Restores a shared link's view (the page's query string) into the model. Its zoom and stop are
 * returned instead, for the caller to apply once the snapshots have arrived: applied at once they
 * would hold an empty screen. Null when there is no link or nothing waits.
 */
export function openLinkedView(model: ScopeState): Partial<ViewState> | null {
  const linked = location.search.length > 1
    ? decodeView(location.search)
    : null;
  if (!linked) return null;
  model.view.value = { ...linked, zoom: null, running: true };
  if (linked.zoom !== null || linked.running === false) {
    return { zoom: linked.zoom, running: linked.running };
  }
  return null;
}

/**
 * Calls `onChange` on every change of the view or the cursors, and keeps both in the address
 * bar (a shareable link), written once it has held still for 300 ms. Returns the function that
 * stops both.
 */
export function watchView(model: ScopeState, onChange: () => void): () => void {
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = effect(() => {
    const v = model.view.value;
    // cursors move the overlay, and travel in the link too
    const cursors = model.cursors.value;
    onChange();
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      const q = withCursors(encodeView(v), cursors);
      const url = q === "" ? location.pathname : `${location.pathname}?${q}`;
      if (url !== location.pathname + location.search) {
        history.replaceState(null, "", url);
      }
    }, 300);
  });
  return () => {
    clearTimeout(urlTimer);
    stop();
  };
}
