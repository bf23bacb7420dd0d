import assert from "node:assert/strict";
import {
  browserBreaches,
  importsOf,
  islandBreaches,
  libBreaches,
} from "../tools/check_layers.ts";

Deno.test("layers - lib folders import only what they may, and do no I/O where none belongs", () => {
  assert.deepEqual(libBreaches(), []);
});

Deno.test("layers - the island's state imports no runtime or markup, and neither imports the other", () => {
  assert.deepEqual(islandBreaches(), []);
});

Deno.test("layers - the browser bundle reaches only islands, lib/shared and lib/scope", async () => {
  assert.deepEqual(await browserBreaches(), []);
});

Deno.test("layers - imports are read relative to the importing file", () => {
  assert.deepEqual(
    importsOf(
      "lib/scope/fft.ts",
      'import { a } from "../server/hub.ts";\nexport { b } from "./samples.ts";',
    ),
    ["lib/server/hub.ts", "lib/scope/samples.ts"],
  );
});
