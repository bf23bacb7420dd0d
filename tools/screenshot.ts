// Screenshots of a running oscilloscope, to look at what users see.
//   deno run -A tools/screenshot.ts [url] [out-prefix]   (desktop 1440x900 and phone 390x844)
import { launchChromium } from "./browser.ts";

const url = Deno.args[0] ?? "http://localhost:8080/";
const prefix = Deno.args[1] ?? "screenshot";
const browser = await launchChromium();
try {
  for (
    const [name, viewport] of [["desktop", { width: 1440, height: 900 }], [
      "phone",
      { width: 390, height: 844 },
    ]] as const
  ) {
    const page = await browser.newPage({
      viewport,
      deviceScaleFactor: name === "phone" ? 2 : 1,
    });
    page.on(
      "console",
      (m) =>
        m.type() === "error" && console.error(`[${name}] console: ${m.text()}`),
    );
    page.on(
      "pageerror",
      (e) => console.error(`[${name}] page error: ${e.message}`),
    );
    await page.goto(url);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${prefix}-${name}.png` });
    console.log(`${prefix}-${name}.png`);
    await page.close();
  }
} finally {
  await browser.close();
}
