import assert from "node:assert/strict";
import { originAllowed } from "./origin.ts";

Deno.test("origin - the page's own origin and clients without Origin may connect", () => {
  assert.ok(originAllowed("http://localhost:8080", "localhost:8080", []));
  assert.ok(originAllowed("https://scope.example", "scope.example", []));
  assert.ok(originAllowed(undefined, "localhost:8080", []));
});

Deno.test("origin - other sites are refused unless listed", () => {
  assert.ok(!originAllowed("https://evil.example", "localhost:8080", []));
  assert.ok(!originAllowed("null", "localhost:8080", []));
  assert.ok(!originAllowed("http://localhost:8081", "localhost:8080", []));
  assert.ok(
    originAllowed("https://dash.example", "localhost:8080", [
      "https://dash.example",
    ]),
  );
  assert.ok(
    originAllowed("http://dash.example:3000", "localhost:8080", [
      "dash.example:3000",
    ]),
  );
  assert.ok(
    !originAllowed("https://dash.example.evil", "localhost:8080", [
      "dash.example",
    ]),
  );
  assert.ok(originAllowed("https://anything.example", "localhost:8080", ["*"]));
});
