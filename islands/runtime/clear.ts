import type { ScopeModel } from "../state/model.ts";
import { deleteAllChannels } from "./server_api.ts";

/** DELETE /data, with what happened as a notice (a 401 when publishing needs a token). */
export async function clearAll(model: ScopeModel): Promise<void> {
  const res = await deleteAllChannels();
  if (res.ok) model.say("Cleared every channel on the server");
  else if (res.status === null) {
    model.say("Clear failed: the server did not answer", true);
  } else if (res.status === 401) {
    model.say(
      "Clearing needs the publish token, which this page does not hold",
      true,
    );
  } else model.say(`Clear refused: HTTP ${res.status}`, true);
}
