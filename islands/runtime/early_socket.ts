// The page's WebSocket, opened by a small script inlined at the end of the page's body rather
// than by the bundle after hydration and the chart's set-up: the snapshots are on their way
// while the bundle downloads, compiles and hydrates, and what arrives meanwhile is kept for the
// live feed to replay. The script runs this file's `openEarlySocket`, as source (see
// `earlySocketScript`), then paints the first picture (first_paint.ts); the bundle finds its
// socket on `globalThis`, and takes it once.

/** A socket opened early, and what it has seen so far. */
export interface EarlySocket {
  socket: WebSocket;
  url: string;
  opened: boolean;
  closed: boolean;
  queued: MessageEvent[];
}

const GLOBAL = "__oscEarlySocket";

/** The /ws address for a chart `slots` grid slots wide, binary frames, on this page's host. */
export function liveUrl(slots: number): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws?encoding=f64&slots=${slots}`;
}

/**
 * Opens /ws for the server-rendered chart box's width, and keeps what it brings. Runs as the
 * page's inline script, from its source: it may use nothing but its arguments and globals.
 */
export function openEarlySocket(
  slotsFor: (widthPx: number) => number,
  urlFor: (slots: number) => string,
  name: string,
): void {
  const chart = document.querySelector<HTMLElement>(".chart");
  if (chart === null) return;
  // the layout this forces is the page's first, which it would do next anyway
  const url = urlFor(slotsFor(chart.clientWidth));
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
  const g = globalThis as Record<string, unknown>;
  g[name] = e;
  // a bundle that never comes (blocked, failed) must not leave it queueing without end: it
  // takes the socket within a second or two, and opens its own when it finds this one closed.
  // Nor leave the first picture up, a still trace on a page that will never be live.
  setTimeout(() => {
    if (g[name] !== e) return;
    delete g[name];
    socket.close(1000, "not taken");
    document.querySelector("canvas.first-trace")?.remove();
  }, 10_000);
}

/**
 * The early socket, if it was opened for `url` and is still open; null otherwise (one opened
 * for another grid is closed: its snapshots would be cut for the wrong width).
 */
export function takeEarlySocket(url: string): EarlySocket | null {
  const g = globalThis as Record<string, unknown>;
  const e = (g[GLOBAL] ?? null) as EarlySocket | null;
  delete g[GLOBAL];
  if (e === null) return null;
  if (e.url !== url || e.closed) {
    e.socket.close(1000, "not needed");
    return null;
  }
  return e;
}

/**
 * The inline script's part that opens the socket: `openEarlySocket` called with the grid's and
 * the URL's rules (in a block of its own: whatever fails after it, the socket is open).
 */
export function earlySocketScript(
  slotsFor: (widthPx: number) => number,
): string {
  return `try {\n(${openEarlySocket})(${slotsFor}, ${liveUrl}, ${
    JSON.stringify(GLOBAL)
  });\n} catch (e) { console.error(e); }\n`;
}
