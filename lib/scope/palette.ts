/**
 * Trace colours in the order channels appear, after bench scopes (channel 1 yellow, 2 cyan,
 * 3 magenta, 4 green), then more that stay distinct on the dark screen.
 */
export const TRACE_COLORS = [
  "#f7d038",
  "#29d3f0",
  "#f05ac8",
  "#4be07a",
  "#ff8a3d",
  "#8f8cff",
  "#e8e8e8",
  "#ff5a5a",
] as const;

export function traceColor(index: number): string {
  return TRACE_COLORS[index % TRACE_COLORS.length];
}
