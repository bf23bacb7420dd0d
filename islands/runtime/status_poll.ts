import { fetchStatus } from "./server_api.ts";
import type { ScopeState } from "../state/scope_state.ts";

const STATUS_POLL_MS = 2000;

/**
 * Keeps the status line's numbers (viewers, ingest rate and buffer fill) fresh: GET /status
 * every couple of seconds into `model.server`, or a short reason into `model.serverError`.
 * `now()` polls at once, outside the schedule (the runtime asks once the page is live: an
 * answer before that could not count it among the viewers, and would land on the page's
 * first frames); `stop()` ends the polling.
 */
export function startStatusPoll(
  model: ScopeState,
): { now: () => void; stop: () => void } {
  const poll = async () => {
    const res = await fetchStatus(5000);
    if (res.ok) {
      model.server.value = res.value;
      model.serverError.value = null;
    } else {
      model.serverError.value = res.status === null
        ? "status unavailable"
        : `status ${res.status}`;
    }
  };
  const timer = setInterval(poll, STATUS_POLL_MS);
  return {
    now: () => void poll(),
    stop: () => clearInterval(timer),
  };
}
