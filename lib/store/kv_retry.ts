import { StoreUnavailable } from "./store.ts";

/**
 * Runs `fn` again while SQLite reports the file locked by another process sharing it: a race
 * like a failed check, and nothing was written.
 */
export async function lockRetried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!/database is locked/.test(String(e))) throw e;
      await contended(attempt);
    }
  }
}

/** Waits a little longer after each lost race, so contending instances spread out. */
export function contended(attempt: number): Promise<void> {
  if (attempt > 100) {
    throw new StoreUnavailable("the kv store is too contended to commit");
  }
  const ms = Math.min(50, attempt) * Math.random();
  return new Promise((r) => setTimeout(r, ms));
}
