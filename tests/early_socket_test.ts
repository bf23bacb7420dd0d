// The page's live socket is opened by its inline script, as the body is parsed, and the bundle
// takes that socket over instead of opening its own (islands/runtime/early_socket.ts).
import assert from "node:assert/strict";
import { post } from "./helpers.ts";
import { withScope } from "./scope_page.ts";

Deno.test({
  name:
    "early socket - the inline script opens the one socket the page uses, under its own CSP",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const x = Array.from({ length: 2000 }, (_, i) => i / 1000);
      await post(base, { channel: "wave", x, y: x.map((t) => Math.sin(t)) });
      const page = await open(undefined, "/", async (p) => {
        await p.addInitScript(() => {
          // who made each socket: a classic inline script has a currentScript without a src;
          // the bundle is a module, which has none
          const made: string[] = [];
          (globalThis as unknown as { __made: string[] }).__made = made;
          const Native = WebSocket;
          globalThis.WebSocket = class extends Native {
            constructor(url: string | URL, protocols?: string | string[]) {
              super(url, protocols);
              const s = document.currentScript as HTMLScriptElement | null;
              made.push(
                s === null ? "module" : s.src === "" ? "inline" : s.src,
              );
            }
          };
        });
      });
      await page.waitForFunction(
        () =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) === 2000,
        null,
        { timeout: 10_000 },
      );
      const made = await page.evaluate(() =>
        (globalThis as unknown as { __made: string[] }).__made
      );
      assert.deepEqual(
        made,
        ["inline"],
        "one socket, opened by the inline script",
      );
      assert.equal(
        await page.evaluate(() => "__oscEarlySocket" in globalThis),
        false,
        "the bundle took the socket over",
      );
      assert.deepEqual(errors, [], "no console errors (a CSP refusal is one)");
      await page.close();
    });
  },
});
