import assert from "node:assert/strict";
import { arraySamples } from "./samples.ts";
import { windowCsv } from "./window_csv.ts";

Deno.test("window csv - the points on screen, per channel, with a header", () => {
  const a = arraySamples([1, 2, 3, 4], [10, 20, 30, 40]);
  const b = arraySamples([2.5, 3.5], [-0.1, 1e-7]);
  assert.equal(
    windowCsv([["a", a], ["b", b]], 2, 3.5),
    "channel,x,y\na,2,20\na,3,30\nb,2.5,-0.1\nb,3.5,1e-7\n",
  );
  assert.equal(windowCsv([["a", a]]).split("\n").length, 6);
  assert.equal(windowCsv([]), "channel,x,y\n");
});
