/**
 * The requests being served now, and the graceful stop that waits for them. Deno's
 * server.shutdown() cuts off bodies still being uploaded, which would fail requests the server
 * had already started; a drain lets them finish first.
 */
export class Requests {
  #inFlight = 0;
  #draining = false;
  #idle: (() => void) | null = null;

  /** requests in progress (the load shedder reads it) */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** true once a drain has begun: new requests are refused */
  get draining(): boolean {
    return this.#draining;
  }

  enter(): void {
    this.#inFlight++;
  }

  leave(): void {
    if (--this.#inFlight === 0) this.#idle?.();
  }

  /**
   * Refuses new requests from now on and resolves once every request in progress has been
   * answered, or after `limitMs`, whichever comes first.
   */
  drain(limitMs: number): Promise<void> {
    this.#draining = true;
    return new Promise<void>((resolve) => {
      if (this.#inFlight === 0) return resolve();
      const timer = setTimeout(resolve, limitMs);
      this.#idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
