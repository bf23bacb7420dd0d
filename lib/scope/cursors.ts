import { CHANNEL_PATTERN } from "../shared/names.ts";

/**
 * Two vertical (x) and two horizontal (y) cursors. x in axis units — counted from the trigger
 * in a triggered view, so a cursor stays put on screen from sweep to sweep — and y on `ref`'s
 * scale.
 */
export interface Cursors {
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  ref: string;
}

/** The query parameters that carry cursors in a share link: `cur=x1,x2,y1,y2&cref=name`. */
export function encodeCursors(c: Cursors | null): [string, string][] {
  if (c === null) return [];
  return [["cur", [c.x1, c.x2, c.y1, c.y2].join(",")], ["cref", c.ref]];
}

/** The cursors a query string carries, or null when it carries none or they do not parse. */
export function decodeCursors(query: string): Cursors | null {
  const q = new URLSearchParams(query);
  const values = q.get("cur")?.split(",").map(Number);
  const ref = q.get("cref");
  if (
    values === undefined || values.length !== 4 ||
    !values.every(Number.isFinite) || ref === null || !CHANNEL_PATTERN.test(ref)
  ) return null;
  const [x1, x2, y1, y2] = values;
  return { x1, x2, y1, y2, ref };
}

/** A query string (no "?") of a view's query and the cursors, in that order. */
export function withCursors(viewQuery: string, c: Cursors | null): string {
  const extra = encodeCursors(c).map(([k, v]) =>
    `${k}=${encodeURIComponent(v).replaceAll("%2C", ",")}`
  ).join("&");
  return [viewQuery, extra].filter((s) => s !== "").join("&");
}
