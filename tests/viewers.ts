// WebSocket viewers for the tests: one that reads and collects, one that never reads.
import assert from "node:assert/strict";
import type { ServerMessage } from "../lib/shared/wire.ts";

export /** A viewer on /ws that collects messages and can wait for one that matches. */
function viewer(base: string, headers: Record<string, string> = {}) {
  const messages: ServerMessage[] = [];
  const waiters: (() => void)[] = [];
  const ws = new WebSocket(
    base.replace("http", "ws") + "/ws",
    { headers } as never,
  );
  ws.onmessage = (e) => {
    messages.push(JSON.parse(e.data));
    waiters.splice(0).forEach((w) => w());
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
  const closed = new Promise<void>((resolve) =>
    ws.addEventListener("close", () => resolve())
  );
  return {
    messages,
    opened,
    async until(
      pred: (m: ServerMessage[]) => boolean,
      timeoutMs = 3000,
    ): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pred(messages)) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `timed out; got ${JSON.stringify(messages).slice(0, 300)}`,
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((r) => waiters.push(r)),
          new Promise<void>((r) => (timer = setTimeout(r, left))),
        ]);
        clearTimeout(timer);
      }
    },
    async close() {
      ws.close();
      await closed;
    },
  };
}

export /** Opens /ws over a raw TCP connection, reads the 101, and then never reads again. */
async function stalledViewer(base: string): Promise<Deno.TcpConn> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  await conn.write(new TextEncoder().encode(
    `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  ));
  const head = new Uint8Array(256);
  const n = await conn.read(head);
  assert.match(
    new TextDecoder().decode(head.subarray(0, n ?? 0)),
    /^HTTP\/1.1 101/,
  );
  return conn;
}
