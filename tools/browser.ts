// Starting Debian's Chromium (playwright-core) and Firefox ESR (puppeteer-core), shared by the browser tests and the
// screenshot tool. Never downloads a browser: a missing one is an error with the command to run.
import { type Browser, chromium } from "playwright-core";
import puppeteer, { type Browser as PuppeteerBrowser } from "puppeteer-core";

export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ??
  "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}. Install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export const FIREFOX_PATH = Deno.env.get("FIREFOX_PATH") ??
  "/usr/bin/firefox-esr";

/**
 * Firefox's own calls home, switched off: the tests' traffic stays on loopback (puppeteer's
 * defaults cover updates and telemetry; these are the rest seen at start-up).
 */
const FIREFOX_PREFS = {
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "browser.region.update.enabled": false,
  "browser.search.update": false,
  "extensions.getAddons.cache.enabled": false,
  "services.settings.server": "http://127.0.0.1:9/",
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
};

/** Debian's firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core. */
export async function launchFirefox(): Promise<PuppeteerBrowser> {
  try {
    await Deno.stat(FIREFOX_PATH);
  } catch {
    throw new Error(
      `Firefox is not at ${FIREFOX_PATH}. Install it with: apt-get update && apt-get install -y firefox-esr`,
    );
  }
  return await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
}
