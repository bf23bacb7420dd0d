import assert from "node:assert/strict";
import { LineSplitter } from "./line_splitter.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function linesOf(s: LineSplitter, chunk: Uint8Array): string[] {
  const r = s.push(chunk);
  if (!r.ok) throw new Error(r.reason);
  return r.lines;
}

Deno.test("line splitter - returns the lines a chunk finishes and keeps the rest", () => {
  const s = new LineSplitter(100);
  assert.deepEqual(linesOf(s, bytes("a:1\nb:2\nc")), ["a:1", "b:2"]);
  assert.deepEqual(linesOf(s, bytes(":3")), []);
  assert.deepEqual(linesOf(s, bytes("\nd:4\n")), ["c:3", "d:4"]);
  assert.equal(s.finish(), null);
});

Deno.test("line splitter - joins a line spread over many chunks", () => {
  const s = new LineSplitter(100);
  const got: string[] = [];
  for (const ch of "12.5,3\n-7\n") got.push(...linesOf(s, bytes(ch)));
  assert.deepEqual(got, ["12.5,3", "-7"]);
});

Deno.test("line splitter - strips a trailing CR, also when CR and LF arrive apart", () => {
  const s = new LineSplitter(100);
  assert.deepEqual(linesOf(s, bytes("a:1\r\nb:2\r")), ["a:1"]);
  assert.deepEqual(linesOf(s, bytes("\n")), ["b:2"]);
  // only the last CR goes: a lone CR inside a line is the sender's business
  assert.deepEqual(linesOf(s, bytes("x\ry\r\r\n")), ["x\ry\r"]);
});

Deno.test("line splitter - decodes a multi-byte character split between chunks", () => {
  const s = new LineSplitter(100);
  const all = bytes("µ:1\n€:2 🎛:3\n");
  const got: string[] = [];
  // cut after every byte, so each character's bytes land in different chunks
  for (let i = 0; i < all.length; i++) {
    got.push(...linesOf(s, all.subarray(i, i + 1)));
  }
  assert.deepEqual(got, ["µ:1", "€:2 🎛:3"]);
});

Deno.test("line splitter - returns empty lines as empty strings", () => {
  const s = new LineSplitter(100);
  assert.deepEqual(linesOf(s, bytes("\n\r\n1\n\n")), ["", "", "1", ""]);
  assert.equal(s.nextLineNumber, 5);
});

Deno.test("line splitter - finish returns the last line that had no newline", () => {
  const s = new LineSplitter(100);
  assert.deepEqual(linesOf(s, bytes("1\n2")), ["1"]);
  assert.equal(s.finish(), "2");
  assert.equal(s.nextLineNumber, 3);

  const crlf = new LineSplitter(100);
  linesOf(crlf, bytes("3\r"));
  assert.equal(crlf.finish(), "3");

  // half a character at the end of the body is malformed, not silently dropped
  const cut = new LineSplitter(100);
  linesOf(cut, bytes("€").subarray(0, 2));
  assert.equal(cut.finish(), "\uFFFD");

  assert.equal(new LineSplitter(100).finish(), null);
});

Deno.test("line splitter - numbers lines from 1 across pushes", () => {
  const s = new LineSplitter(100);
  assert.equal(s.nextLineNumber, 1);
  const first = linesOf(s, bytes("a\nb\nc"));
  assert.equal(s.nextLineNumber - first.length, 1);
  assert.equal(s.nextLineNumber, 3);
  linesOf(s, bytes("\n"));
  assert.equal(s.nextLineNumber, 4);
});

Deno.test("line splitter - refuses a partial line longer than the limit", () => {
  const s = new LineSplitter(8);
  assert.deepEqual(linesOf(s, bytes("12345678")), []);
  const r = s.push(bytes("9"));
  assert.deepEqual(r, {
    ok: false,
    reason: "is longer than 8 bytes without a newline",
    lines: [],
  });
  assert.equal(s.nextLineNumber, 1);
  // refused for good: the rest of the body can't be told apart from the long line
  assert.equal(s.push(bytes("\n1\n")).ok, false);
  assert.equal(s.finish(), null);
});

Deno.test("line splitter - measures the limit in bytes, whatever the chunking", () => {
  // "€" is 3 bytes: 3 of them are 9 bytes but only 3 UTF-16 units
  const whole = new LineSplitter(8);
  const refused = whole.push(bytes("ok\n€€€\n"));
  assert.equal(refused.ok, false);
  assert.deepEqual(refused.lines, ["ok"], "the lines before the long one");
  assert.equal(whole.nextLineNumber, 2);

  const exact = new LineSplitter(9);
  assert.deepEqual(linesOf(exact, bytes("€€€\n")), ["€€€"]);

  const tail = new LineSplitter(4);
  assert.deepEqual(linesOf(tail, bytes("1\n1234")), ["1"]);
  assert.equal(tail.push(bytes("5")).ok, false);
  assert.equal(tail.nextLineNumber, 2);
});

Deno.test("line splitter - limits each line, not the stream", () => {
  const s = new LineSplitter(64);
  const chunk = bytes("1.5,2.25\n".repeat(1000));
  for (let i = 0; i < 100; i++) assert.equal(linesOf(s, chunk).length, 1000);
  assert.equal(s.nextLineNumber, 100_001);
});

Deno.test("line splitter - splits 3.6M short lines in well under a few seconds", () => {
  const s = new LineSplitter(65536);
  // 64 KiB chunks that cut lines at arbitrary places, like a request body stream
  const body = bytes("a:1.25,b:-3\n".repeat(300_000));
  let count = 0;
  const start = performance.now();
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < body.length; i += 65536) {
      count += linesOf(s, body.subarray(i, i + 65536)).length;
    }
  }
  const ms = performance.now() - start;
  assert.equal(count, 3_600_000);
  assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
});
