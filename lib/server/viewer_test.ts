import assert from "node:assert/strict";
import { CLOSE_TOO_SLOW, enforceBudget, Viewer } from "./viewer.ts";

class FakeSocket {
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: [number?, string?] | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
  }
}

function setup() {
  const socket = new FakeSocket();
  let now = 0;
  const viewer = new Viewer(socket, {
    maxBufferedBytes: 1000,
    stallMs: 5000,
    snapshot: () => ["snap-a", "snap-b"],
    now: () => now,
  });
  return { socket, viewer, advance: (ms: number) => (now += ms) };
}

Deno.test("viewer - sends the snapshot, then every delta while the socket keeps up", () => {
  const { socket, viewer } = setup();
  viewer.start();
  viewer.deliver("d1");
  viewer.deliver("d2");
  assert.deepEqual(socket.sent, ["snap-a", "snap-b", "d1", "d2"]);
});

Deno.test("viewer - skips deltas while backed up and resyncs with a snapshot once drained", () => {
  const { socket, viewer } = setup();
  socket.bufferedAmount = 5000;
  viewer.deliver("d1");
  viewer.deliver("d2");
  assert.equal(viewer.behind, true);
  assert.deepEqual(socket.sent, [], "nothing queued while the socket is full");
  socket.bufferedAmount = 600; // drained, but not enough yet
  viewer.deliver("d3");
  assert.deepEqual(socket.sent, []);
  socket.bufferedAmount = 100;
  viewer.deliver("d4");
  assert.deepEqual(
    socket.sent,
    ["snap-a", "snap-b"],
    "the snapshot replaces the skipped deltas",
  );
  viewer.deliver("d5");
  assert.deepEqual(socket.sent, ["snap-a", "snap-b", "d5"]);
});

Deno.test("viewer - closes a socket that stays backed up past the stall limit", () => {
  const { socket, viewer, advance } = setup();
  socket.bufferedAmount = 5000;
  viewer.deliver("d1");
  advance(4000);
  viewer.deliver("d2");
  assert.equal(socket.closedWith, null);
  advance(2000);
  viewer.deliver("d3");
  assert.deepEqual(socket.closedWith, [CLOSE_TOO_SLOW, "viewer too slow"]);
  viewer.deliver("d4");
  assert.deepEqual(socket.sent, []);
});

Deno.test("viewer - resyncs on poll when the socket drains with no further traffic", () => {
  const { socket, viewer } = setup();
  socket.bufferedAmount = 5000;
  viewer.deliver("d1");
  assert.equal(viewer.behind, true);
  socket.bufferedAmount = 0;
  assert.equal(viewer.poll(), false);
  assert.deepEqual(socket.sent, ["snap-a", "snap-b"]);
});

Deno.test("viewer - a snapshot bigger than the limit does not make it fall behind at once", () => {
  const socket = new FakeSocket();
  const big = "s".repeat(3000);
  const viewer = new Viewer(socket, {
    maxBufferedBytes: 1000,
    stallMs: 5000,
    snapshot: () => [big],
  });
  viewer.start();
  socket.bufferedAmount = 3000; // the snapshot is still on its way
  viewer.deliver("d1");
  assert.equal(viewer.behind, false);
  assert.deepEqual(socket.sent, [big, "d1"]);
  socket.bufferedAmount = 7000; // past twice the snapshot: now it is behind
  viewer.deliver("d2");
  assert.equal(viewer.behind, true);
});

Deno.test("viewer - past the total budget the most backed-up viewers are closed first", () => {
  const make = (buffered: number) => {
    const socket = new FakeSocket();
    socket.bufferedAmount = buffered;
    const events: string[] = [];
    const viewer = new Viewer(socket, {
      maxBufferedBytes: 1000,
      stallMs: 5000,
      snapshot: () => [],
      onEvent: (e) => events.push(e),
    });
    return { socket, viewer, events };
  };
  const a = make(900);
  const b = make(50);
  const c = make(700);
  assert.equal(
    enforceBudget([a.viewer, b.viewer, c.viewer], 2000),
    0,
    "under budget: nobody",
  );
  assert.equal(enforceBudget([a.viewer, b.viewer, c.viewer], 700), 2); // 1650 -> 750 -> 50
  assert.deepEqual(a.socket.closedWith, [
    CLOSE_TOO_SLOW,
    "server is over its memory budget for viewers",
  ]);
  assert.deepEqual(c.events, ["closed_budget"]);
  assert.equal(b.socket.closedWith, null, "the one that keeps up stays");
});
