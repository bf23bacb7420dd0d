// Every request the page makes to its server besides the WebSocket, in one place: what it
// asks, and what it makes of the answer. Each resolves to a result and never throws.
import type { StatusBody, WindowChannel } from "../../lib/shared/types.ts";
import { decodeBinary } from "../../lib/shared/wire.ts";

export type Answer<T> = { ok: true; value: T } | {
  ok: false;
  /** the HTTP status, or null when the server did not answer */
  status: number | null;
};

async function ask<T>(
  url: string,
  init: RequestInit,
  read: (res: Response) => Promise<T>,
): Promise<Answer<T>> {
  try {
    const res = await fetch(url, init);
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, status: res.status };
    }
    return { ok: true, value: await read(res) };
  } catch {
    // timed out, or the network failed
    return { ok: false, status: null };
  }
}

/** GET /status: the status line's numbers. */
export function fetchStatus(timeoutMs: number): Promise<Answer<StatusBody>> {
  return ask(
    "/status",
    { signal: AbortSignal.timeout(timeoutMs) },
    (res) => res.json() as Promise<StatusBody>,
  );
}

/** One channel's points as GET /data answers them. */
export interface ChannelPoints {
  seq: number;
  x: number[];
  y: number[];
}

/** GET /data for one channel: its points after seq `since`, at most `limit`. */
export function fetchPoints(
  dataUrl: string,
  channel: string,
  since: number,
  limit: number,
  timeoutMs: number,
): Promise<Answer<ChannelPoints | undefined>> {
  const query = new URLSearchParams({
    channel,
    since: String(since),
    limit: String(limit),
  });
  return ask(
    `${dataUrl}?${query}`,
    { signal: AbortSignal.timeout(timeoutMs) },
    async (res) => (await res.json()).channels?.[channel],
  );
}

/** Every sample of one channel, the newest `limit`, as float64 columns (GET /data?format=f64). */
export function fetchSamples(
  dataUrl: string,
  channel: string,
  limit: number,
  timeoutMs: number,
): Promise<Answer<{ seq: number; x: Float64Array; y: Float64Array } | null>> {
  const query = new URLSearchParams({
    channel,
    limit: String(limit),
    format: "f64",
  });
  return ask(
    `${dataUrl}?${query}`,
    { signal: AbortSignal.timeout(timeoutMs) },
    async (res) => {
      const msg = decodeBinary(await res.arrayBuffer());
      return msg && msg.type === "snapshot" ? msg : null;
    },
  );
}

/**
 * GET /data?from=&to=&max_points=: every channel's points in a window, from the server's
 * history where its rings do not reach, and where each stretch came from.
 */
export function fetchWindow(
  dataUrl: string,
  from: number,
  to: number,
  maxPoints: number,
  signal: AbortSignal,
): Promise<Answer<Record<string, WindowChannel>>> {
  const query = new URLSearchParams({
    from: String(from),
    to: String(to),
    max_points: String(maxPoints),
  });
  return ask(
    `${dataUrl}?${query}`,
    { signal },
    async (res) => (await res.json()).channels ?? {},
  );
}

/** DELETE /data: every channel on the server. */
export function deleteAllChannels(): Promise<Answer<null>> {
  return ask("/data", { method: "DELETE" }, async (res) => {
    await res.body?.cancel();
    return null;
  });
}
