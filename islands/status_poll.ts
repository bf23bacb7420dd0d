import type { StatusBody } from "../lib/shared/types.ts";
import type { ScopeState } from "./scope_state.ts";

const STATUS_POLL_MS = 2000;

/**
 * Keeps the status line's numbers (viewers, ingest rate and buffer fill) fresh: GET /status now
 * and every couple of seconds into `model.server`, or a short reason into `model.serverError`.
 * `now()` polls at once, outside the schedule; `stop()` ends the polling.
 */
export function startStatusPoll(
  model: ScopeState,
): { now: () => void; stop: () => void } {
  const poll = async () => {
    try {
      const res = await fetch("/status", {
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) {
        model.server.value = (await res.json()) as StatusBody;
        model.serverError.value = null;
      } else {
        await res.body?.cancel();
        model.serverError.value = `status ${res.status}`;
      }
    } catch {
      model.serverError.value = "status unavailable";
    }
  };
  void poll();
  const timer = setInterval(poll, STATUS_POLL_MS);
  return {
    now: () => void poll(),
    stop: () => clearInterval(timer),
  };
}
