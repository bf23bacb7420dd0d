import { HttpError } from "../lib/server/http_error.ts";
import type { State } from "../lib/server/state.ts";

/**
 * Bodies up to this size are read in one go (Deno's one-shot read, twice as fast for single
 * points as a stream read); a stalled one can pin no more than this per connection. Bigger ones
 * are read as a stream, which can be cancelled: a 408 or 413 then frees what they had sent.
 */
const ONE_SHOT_BYTES = 64 * 1024;

/** Closes the connection after the answer: the unread rest of a body stays with it otherwise. */
const CLOSE = { Connection: "close" };

/**
 * A request body, whole: refused with 413 past `maxBytes` (from the declared length alone when
 * there is one), 408 when it has not arrived within OSC_BODY_TIMEOUT_MS, and 503 when the bodies
 * being read at once would pass OSC_BODIES_MAX_TOTAL. Every refusal closes the connection, so a
 * body that stopped short holds no memory once it is answered.
 */
export function readBody(
  req: Request,
  state: State,
  maxBytes = state.config.maxBodyBytes,
): Promise<Uint8Array> {
  return read(req, state, maxBytes, false).catch(refusal) as Promise<
    Uint8Array
  >;
}

/** The body as UTF-8 text, with the bounds of `readBody`. */
export function readText(req: Request, state: State): Promise<string> {
  return read(req, state, state.config.maxBodyBytes, true).catch(
    refusal,
  ) as Promise<string>;
}

/**
 * A failed body read as the refusal the client gets: ours already are; Deno's report of a body
 * that ended before it was complete (the client went away) is the client's fault, a 400, and
 * nothing from it was stored.
 */
export function refusal(e: unknown): never {
  if (e instanceof HttpError) throw e;
  const name = (e as Error | undefined)?.name;
  if (
    name === "BadResource" || name === "ConnectionReset" ||
    name === "Interrupted" || name === "UnexpectedEof" ||
    e instanceof Deno.errors.BadResource
  ) throw endedEarly();
  throw e;
}

/** The client went away mid-body (a reset, an aborted HTTP/2 stream): its fault, not ours. */
function endedEarly(): HttpError {
  return new HttpError(
    400,
    "the request body ended early; nothing was stored",
    "body",
    CLOSE,
  ).refused("invalid");
}

const decoder = new TextDecoder();

async function read(
  req: Request,
  state: State,
  maxBytes: number,
  text: boolean,
): Promise<Uint8Array | string> {
  const { bodyTimeoutMs } = state.config;
  const lengthHeader = req.headers.get("content-length");
  const chunked = req.headers.get("transfer-encoding") !== null;
  const declared = lengthHeader === null || chunked
    ? null
    : Number(lengthHeader);
  const tooLarge = () =>
    new HttpError(
      413,
      `body is larger than the limit of ${maxBytes} bytes`,
      "body",
      CLOSE,
    ).refused("too_large");
  const late = () =>
    new HttpError(
      408,
      `body did not arrive within ${bodyTimeoutMs} ms`,
      "body",
      CLOSE,
    ).refused("timeout");
  if (declared !== null && declared > maxBytes) throw tooLarge();
  if (declared !== null && declared <= ONE_SHOT_BYTES) {
    if (text) {
      return await state.deadlines.within(req.text(), bodyTimeoutMs, late);
    }
    return new Uint8Array(
      await state.deadlines.within(req.arrayBuffer(), bodyTimeoutMs, late),
    );
  }
  // what a body may take up while it arrives: its declared length, or the limit for a chunked one
  const reserve = declared ?? maxBytes;
  const bodies = state.bodies;
  if (bodies.bytes + reserve > state.config.bodiesMaxTotal) {
    throw new HttpError(
      503,
      `the server is receiving ${bodies.bytes} bytes of bodies already; retry shortly or send smaller requests`,
      "body",
      { ...CLOSE, "Retry-After": "1" },
    );
  }
  if (declared !== null) {
    // a declared length is read in one go, into one buffer (a stream read would leave a
    // chunk's worth of garbage per read on the heap). Such a read cannot be cancelled, so its
    // bytes stay counted until it settles, which for a body that stopped short is when its
    // connection goes: the budget bounds what stalled bodies hold, however long they stay
    bodies.bytes += reserve;
    const whole: Promise<string | ArrayBuffer> = text
      ? req.text()
      : req.arrayBuffer();
    whole.then(
      () => (bodies.bytes -= reserve),
      () => (bodies.bytes -= reserve),
    );
    const got = await state.deadlines.within(whole, bodyTimeoutMs, late);
    return typeof got === "string" ? got : new Uint8Array(got);
  }
  // (req.body only here: touching it switches Deno from its one-shot read to a stream read)
  if (req.body === null) return text ? "" : new Uint8Array(0);
  bodies.bytes += reserve;
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(value);
    }
  })();
  try {
    await state.deadlines.within(read, bodyTimeoutMs, late);
  } catch (e) {
    // lets go of the connection's body: its buffered bytes are dropped with it
    await reader.cancel().catch(() => {});
    read.catch(() => {});
    if (e instanceof HttpError) throw e;
    throw endedEarly();
  } finally {
    bodies.bytes -= reserve;
  }
  if (chunks.length === 1) return text ? decoder.decode(chunks[0]) : chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return text ? decoder.decode(out) : out;
}
