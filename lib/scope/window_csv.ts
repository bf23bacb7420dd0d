import { lowerBound, type Samples, upperBound } from "./samples.ts";

/**
 * CSV of what a viewer has on screen: a `channel,x,y` header, then each channel's points with
 * fromX <= x <= toX (all of them when the bounds are omitted), oldest first. Numbers are written
 * as JavaScript's shortest round-trip form, so reading the file back gives the same doubles.
 */
export function windowCsv(
  channels: readonly (readonly [name: string, samples: Samples])[],
  fromX = -Infinity,
  toX = Infinity,
): string {
  const rows = ["channel,x,y"];
  for (const [name, s] of channels) {
    const end = upperBound(s, toX);
    // channel names are [A-Za-z0-9_.:-], so they never need CSV quoting
    for (let i = lowerBound(s, fromX); i < end; i++) {
      rows.push(`${name},${s.xAt(i)},${s.yAt(i)}`);
    }
  }
  return rows.join("\n") + "\n";
}
