// Run by `deno task test` before the tests: the browser tests need Debian's Chromium. When it
// is missing and we are root with apt-get, install it (that is what a fresh CI machine needs);
// otherwise stop with the exact command, never skip the browser tests silently.
import { CHROMIUM_PATH } from "./browser.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  const { code } = await new Deno.Command(cmd, {
    args,
    stdout: "inherit",
    stderr: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  return code === 0;
}

if (!(await exists(CHROMIUM_PATH))) {
  const install = "apt-get update && apt-get install -y chromium";
  const isRoot = Deno.uid() === 0;
  if (isRoot && (await exists("/usr/bin/apt-get"))) {
    console.error(
      `ensure_chromium: Chromium is missing at ${CHROMIUM_PATH}; installing Debian's package (${install})`,
    );
    const ok = (await run("apt-get", ["update", "-qq"])) &&
      (await run("apt-get", [
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "chromium",
      ]));
    if (!ok || !(await exists(CHROMIUM_PATH))) {
      console.error(
        `ensure_chromium: installing Chromium failed; run as root: ${install}`,
      );
      Deno.exit(1);
    }
  } else {
    console.error(
      `ensure_chromium: the browser tests need Chromium at ${CHROMIUM_PATH}. Install it with:\n  sudo ${install}\n(or set CHROMIUM_PATH to another Chromium binary)`,
    );
    Deno.exit(1);
  }
}
