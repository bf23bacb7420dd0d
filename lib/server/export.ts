import type { PointSlice } from "../shared/ring_buffer.ts";

/** A channel's points to export; `seqs` when they are not consecutive (a decimated slice). */
export type NamedSlice = readonly [
  name: string,
  slice: PointSlice & { seqs?: Float64Array },
];

// points per emitted string: big enough to be cheap, small enough that a 100k-point channel
// never becomes one multi-megabyte string
const CHUNK_POINTS = 8192;

/** GET /data's JSON, `{"channels":{"name":{"seq":S,"x":[…],"y":[…]}}}`, as a series of strings. */
export function* jsonChunks(slices: readonly NamedSlice[]): Generator<string> {
  yield '{"channels":{';
  let firstChannel = true;
  for (const [name, { seq, x, y }] of slices) {
    yield `${firstChannel ? "" : ","}${
      JSON.stringify(name)
    }:{"seq":${seq},"x":[`;
    firstChannel = false;
    yield* joined(x);
    yield '],"y":[';
    yield* joined(y);
    yield "]}";
  }
  yield "}}";
}

function* joined(values: Float64Array): Generator<string> {
  for (let i = 0; i < values.length; i += CHUNK_POINTS) {
    yield (i === 0 ? "" : ",") + values.subarray(i, i + CHUNK_POINTS).join(",");
  }
}

/** GET /data?format=csv: a `channel,seq,x,y` header, then one row per point, oldest first. */
export function* csvChunks(slices: readonly NamedSlice[]): Generator<string> {
  yield "channel,seq,x,y\n";
  for (const [name, slice] of slices) {
    const { seq, x, y } = slice;
    // channel names are [A-Za-z0-9_.:-], so they never need CSV quoting
    const first = seq - x.length + 1;
    const seqs = slice.seqs;
    for (let i = 0; i < x.length; i += CHUNK_POINTS) {
      const end = Math.min(x.length, i + CHUNK_POINTS);
      let rows = "";
      for (let j = i; j < end; j++) {
        rows += `${name},${seqs ? seqs[j] : first + j},${x[j]},${y[j]}\n`;
      }
      yield rows;
    }
  }
}
