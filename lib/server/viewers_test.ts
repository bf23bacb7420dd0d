import assert from "node:assert/strict";
import type { Frame } from "../shared/wire.ts";
import { Viewers, type ViewersOptions } from "./viewers.ts";

class FakeSocket {
  bufferedAmount = 0;
  sent: Frame[] = [];
  closedWith: [number?, string?] | null = null;
  send(frame: Frame) {
    this.sent.push(frame);
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
  }
}

function setup(overrides: Partial<ViewersOptions> = {}) {
  const subscribers = new Set<(frame: Frame) => void>();
  const counted: string[] = [];
  const viewers = new Viewers({
    maxViewers: 3,
    maxViewersPerAddress: 2,
    viewerMaxBufferedBytes: 1000,
    viewerStallMs: 5000,
    viewersMaxBufferTotal: 10_000,
    hub: {
      subscribe(fn) {
        subscribers.add(fn);
        return () => subscribers.delete(fn);
      },
    },
    snapshot: (slots, encoding) => [`snapshot ${slots} ${encoding}`],
    count: (event) => counted.push(event),
    log: () => {},
    ...overrides,
  });
  const broadcast = (frame: Frame) => {
    for (const fn of [...subscribers]) fn(frame);
  };
  return { viewers, subscribers, counted, broadcast };
}

Deno.test("viewers - admits up to the limits per address and in total, and says which was reached", () => {
  const { viewers, counted } = setup();
  const a1 = viewers.admit("a");
  const a2 = viewers.admit("a");
  const a3 = viewers.admit("a");
  assert.ok(a1.ok && a2.ok);
  assert.deepEqual(a3, { ok: false, refusal: "refused_address", limit: 2 });
  assert.ok(viewers.admit("b").ok);
  assert.deepEqual(viewers.admit("c"), {
    ok: false,
    refusal: "refused_total",
    limit: 3,
  });
  assert.deepEqual(counted, ["refused_address", "refused_total"]);
  assert.equal(viewers.reserved, 3);
  viewers.closeAll();
});

Deno.test("viewers - an attached viewer gets its snapshot, then hub frames, until its slot is released", () => {
  const { viewers, subscribers, broadcast } = setup();
  const admitted = viewers.admit("a");
  assert.ok(admitted.ok);
  const socket = new FakeSocket();
  viewers.attach(admitted.ticket, socket, { slots: 640, encoding: "f64" });
  assert.equal(viewers.size, 1);
  broadcast("d1");
  assert.deepEqual(socket.sent, ["snapshot 640 f64", "d1"]);
  admitted.ticket.release();
  admitted.ticket.release(); // twice is harmless
  broadcast("d2");
  assert.deepEqual(socket.sent, ["snapshot 640 f64", "d1"]);
  assert.equal(subscribers.size, 0, "unsubscribed from the hub");
  assert.equal(viewers.size, 0);
  assert.equal(viewers.reserved, 0);
  viewers.closeAll();
});

Deno.test("viewers - a viewer the server closes frees its slot at once", () => {
  const { viewers } = setup({ viewersMaxBufferTotal: 100 });
  const admitted = viewers.admit("a");
  assert.ok(admitted.ok);
  const socket = new FakeSocket();
  viewers.attach(admitted.ticket, socket, { encoding: "json" });
  socket.bufferedAmount = 500; // over the budget of all viewers together
  viewers.sweep();
  assert.equal(socket.closedWith?.[0], 1013);
  assert.equal(viewers.reserved, 0);
  assert.ok(viewers.admit("a").ok);
  viewers.closeAll();
});

Deno.test("viewers - closeAll closes every viewer with 1001 and turns late handshakes away", () => {
  const { viewers } = setup();
  const early = viewers.admit("a");
  const late = viewers.admit("b");
  assert.ok(early.ok && late.ok);
  const first = new FakeSocket();
  viewers.attach(early.ticket, first, { encoding: "json" });
  viewers.closeAll();
  assert.deepEqual(first.closedWith, [1001, "server shutting down"]);
  const second = new FakeSocket();
  viewers.attach(late.ticket, second, { encoding: "json" });
  assert.deepEqual(second.closedWith, [1001, "server shutting down"]);
  assert.deepEqual(second.sent, []);
  assert.equal(viewers.reserved, 0);
});
