interface Entry {
  at: number;
  fail: () => void;
}

/**
 * Time limits for many concurrent waits (request bodies arriving) without a timer per wait:
 * arming and clearing a timer for every POST cost more than parsing a single point. One
 * periodic `sweep()` — the app's timer — fails every wait past its deadline, so a limit
 * is enforced within one sweep interval of when it falls due.
 */
export class Deadlines {
  readonly #pending = new Set<Entry>();
  readonly #now: () => number;

  constructor(now?: () => number) {
    this.#now = now ?? (() => performance.now());
  }

  /** Waits currently running. */
  get size(): number {
    return this.#pending.size;
  }

  /** Settles as `work` does, or rejects with `late()` if it is still pending after `ms`. */
  async within<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
    let entry!: Entry;
    const expired = new Promise<never>((_, reject) => {
      entry = { at: this.#now() + ms, fail: () => reject(late()) };
    });
    this.#pending.add(entry);
    try {
      return await Promise.race([work, expired]);
    } finally {
      this.#pending.delete(entry);
    }
  }

  /** Fails every wait whose deadline has passed. */
  sweep(): void {
    const now = this.#now();
    for (const entry of this.#pending) {
      if (entry.at <= now) {
        this.#pending.delete(entry);
        entry.fail();
      }
    }
  }
}
