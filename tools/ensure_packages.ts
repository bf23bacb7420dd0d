// Run by `deno task test` before the tests: they need Debian's Chromium (browser tests), nginx
// (the proxy test), redis-server (the redis store) and wrk (the benchmark's smoke run). When one is missing and we are root
// with apt-get, install it — what a fresh CI machine needs; otherwise stop with the exact
// command. The tests that need them are never skipped silently.
import { CHROMIUM_PATH } from "./browser.ts";

const NEEDED: [path: string, pkg: string, why: string][] = [
  [CHROMIUM_PATH, "chromium", "the browser tests"],
  ["/usr/sbin/nginx", "nginx", "the reverse-proxy test"],
  ["/usr/bin/redis-server", "redis-server", "the redis store's tests"],
  ["/usr/bin/wrk", "wrk", "the benchmark's smoke run"],
];

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

const missing: typeof NEEDED = [];
for (const entry of NEEDED) if (!(await exists(entry[0]))) missing.push(entry);
if (missing.length > 0) {
  const pkgs = missing.map(([, pkg]) => pkg);
  const install = `apt-get update && apt-get install -y ${pkgs.join(" ")}`;
  for (const [path, pkg, why] of missing) {
    console.error(`ensure_packages: ${why} need ${pkg} (${path} is missing)`);
  }
  if (Deno.uid() === 0 && (await exists("/usr/bin/apt-get"))) {
    console.error(`ensure_packages: installing Debian's packages: ${install}`);
    const ok = (await run("apt-get", ["update", "-qq"])) &&
      (await run("apt-get", [
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        ...pkgs,
      ]));
    const still = [];
    for (const [path] of missing) if (!(await exists(path))) still.push(path);
    if (!ok || still.length > 0) {
      console.error(
        `ensure_packages: installing failed (${
          still.join(", ")
        }); run as root: ${install}`,
      );
      Deno.exit(1);
    }
  } else {
    console.error(
      `ensure_packages: install them with:\n  sudo ${install}\n(CHROMIUM_PATH may point at another Chromium)`,
    );
    Deno.exit(1);
  }
}
