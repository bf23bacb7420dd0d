import { RingBuffer, type Values } from "./ring_buffer.ts";

export type AppendResult = { ok: true; seq: number } | {
  ok: false;
  reason: "too_many_channels";
};

/**
 * Every channel's ring buffer, in the order the channels were created. Memory is bounded by
 * `capacity * maxChannels * 16` bytes: a channel past the limit is refused, never allocated.
 */
export class Channels {
  readonly #buffers = new Map<string, RingBuffer>();

  constructor(readonly capacity: number, readonly maxChannels: number) {}

  get(name: string): RingBuffer | undefined {
    return this.#buffers.get(name);
  }

  /** Channel names, oldest first. */
  names(): string[] {
    return [...this.#buffers.keys()];
  }

  get count(): number {
    return this.#buffers.size;
  }

  /** Appends a batch, creating the channel if the limit allows; stores nothing on refusal. */
  append(name: string, x: Values, y: Values): AppendResult {
    let buffer = this.#buffers.get(name);
    if (!buffer) {
      if (this.#buffers.size >= this.maxChannels) {
        return { ok: false, reason: "too_many_channels" };
      }
      buffer = new RingBuffer(this.capacity);
      this.#buffers.set(name, buffer);
    }
    return { ok: true, seq: buffer.pushBatch(x, y) };
  }
}
