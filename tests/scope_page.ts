// Opening the scope page in headless Chromium against a server of its own, for the browser
// tests: a page that is connected (live) and whose console errors are collected.
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../tools/browser.ts";
import { withServer } from "./helpers.ts";

export const OUTPUT = new URL("./output/", import.meta.url);
export const DESKTOP = { width: 1280, height: 800 };

/** Runs `fn` with a server for `env` and a browser whose pages `open()` makes, then stops both. */
export async function withScope(
  env: Record<string, string>,
  fn: (
    ctx: {
      base: string;
      /** for a page that must not wait to be live (open() does) */
      browser: Browser;
      open: (
        viewport?: { width: number; height: number },
        path?: string,
        /** runs on the new page before it navigates (routes, init scripts) */
        before?: (page: Page) => Promise<void>,
      ) => Promise<Page>;
      errors: string[];
    },
  ) => Promise<void>,
): Promise<void> {
  await Deno.stat(new URL("../static/scope.js", import.meta.url)).catch(() => {
    throw new Error("static/scope.js is missing: run `deno task bundle`");
  });
  await Deno.mkdir(OUTPUT, { recursive: true });
  await withServer(env, async (base) => {
    const browser: Browser = await launchChromium();
    const errors: string[] = [];
    try {
      await fn({
        base,
        browser,
        errors,
        open: async (viewport = DESKTOP, path = "/", before) => {
          const page = await browser.newPage({
            viewport,
            deviceScaleFactor: viewport.width < 600 ? 2 : 1,
            hasTouch: viewport.width < 600,
            acceptDownloads: true,
          });
          page.on(
            "console",
            (m) => m.type() === "error" && errors.push(m.text()),
          );
          page.on("pageerror", (e) => errors.push(e.message));
          await before?.(page);
          await page.goto(base + path);
          await page.locator(".conn[data-state=live]").waitFor({
            timeout: 10_000,
          });
          return page;
        },
      });
    } finally {
      await browser.close();
    }
  });
}
