// The page's WebSocket, opened by the bundle's first line rather than after hydration and the
// chart's set-up (some 180 ms of main thread on a busy page): the snapshots are on their way
// while the page gets ready, and what arrives meanwhile is kept for the live feed to replay.
// One socket, taken once; a module-level value because it bridges the entry and the runtime.

/** A socket opened early, and what it has seen so far. */
export interface EarlySocket {
  socket: WebSocket;
  url: string;
  opened: boolean;
  closed: boolean;
  queued: MessageEvent[];
}

let early: EarlySocket | null = null;

/** The /ws address for a chart `slots` grid slots wide, binary frames, on this page's host. */
export function liveUrl(slots: number): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws?encoding=f64&slots=${slots}`;
}

/** Opens the socket now; the live feed takes it over with `takeEarlySocket`. */
export function openEarlySocket(url: string): void {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const e: EarlySocket = {
    socket,
    url,
    opened: false,
    closed: false,
    queued: [],
  };
  socket.onopen = () => (e.opened = true);
  socket.onmessage = (m) => e.queued.push(m);
  socket.onclose = () => (e.closed = true);
  early = e;
}

/**
 * The early socket, if it was opened for `url` and is still open; null otherwise (one opened
 * for another grid is closed: its snapshots would be cut for the wrong width).
 */
export function takeEarlySocket(url: string): EarlySocket | null {
  const e = early;
  early = null;
  if (e === null) return null;
  if (e.url !== url || e.closed) {
    e.socket.close(1000, "not needed");
    return null;
  }
  return e;
}
