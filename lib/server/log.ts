import type { LogLevel } from "./config.ts";

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Fields = Record<
  string,
  string | number | boolean | null | undefined
>;

/** Writes one JSON object per line, for log collectors; callers never pass tokens or bodies. */
export interface Logger {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: Fields): void;
}

/** A logger at `level` that hands each line to `write` (the app passes console.log). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void,
): Logger {
  const max = RANK[level];
  return {
    enabled: (l) => RANK[l] <= max,
    log(l, msg, fields = {}) {
      if (RANK[l] > max) return;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: l,
          msg,
          ...fields,
        }),
      );
    },
  };
}
