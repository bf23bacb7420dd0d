// What every benchmark case gets from main.ts: where its report goes, how figures are written,
// and the server under test.
import type { Proc } from "./procs.ts";

export interface CaseContext {
  quick: boolean;
  out: (line?: string) => void;
  table: (head: string[], rows: (string | number)[][]) => void;
  fmt: (n: number, digits?: number) => string;
  median: (values: number[]) => number;
  ratio: (a: number, b: number) => string;
  /** the oscilloscope as its own process, limits raised for one load generator */
  ours: (env?: Record<string, string>) => Promise<Proc>;
}
