// Run by `deno task test` before the tests: they need Debian's Chromium and Firefox ESR (browser
// tests), nginx (the proxy test), redis-server (the redis store), wrk (the benchmark's smoke run),
// mosquitto and its clients (the MQTT tests), socat (a pty pair for the serial bridge's tests),
// and a Docker engine with debootstrap (the container test). When one is missing and we are root
// with apt-get, install it — what a fresh CI machine needs — and start a Docker engine that does
// not answer; otherwise stop with the exact command. The tests that need them are never skipped
// silently.
import { CHROMIUM_PATH, FIREFOX_PATH } from "./browser.ts";

const NEEDED: [path: string, pkg: string, why: string][] = [
  [CHROMIUM_PATH, "chromium", "the browser tests"],
  [FIREFOX_PATH, "firefox-esr", "the Firefox browser test"],
  ["/usr/sbin/nginx", "nginx", "the reverse-proxy test"],
  ["/usr/bin/redis-server", "redis-server", "the redis store's tests"],
  ["/usr/bin/wrk", "wrk", "the benchmark's smoke run"],
  ["/usr/sbin/mosquitto", "mosquitto", "the MQTT tests' broker"],
  ["/usr/bin/mosquitto_pub", "mosquitto-clients", "the MQTT tests' sender"],
  ["/usr/bin/socat", "socat", "the serial bridge's tests (a pty pair)"],
  ["/usr/sbin/debootstrap", "debootstrap", "the container test's base image"],
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

/** Whether a Docker engine answers `docker info`. */
async function dockerAnswers(): Promise<boolean> {
  try {
    const { code } = await new Deno.Command("docker", {
      args: ["info"],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return false; // no docker client at all
  }
}

// the container test needs an engine: Debian's docker.io, started here when nothing answers
// (machines without systemd, such as CI containers, do not start it themselves)
if (!(await dockerAnswers()) && Deno.uid() === 0) {
  if (!(await exists("/usr/sbin/dockerd"))) {
    console.error(
      "ensure_packages: installing docker.io for the container test",
    );
    await run("apt-get", [
      "install",
      "-y",
      "-qq",
      "--no-install-recommends",
      "docker.io",
    ]);
  }
  if (await exists("/usr/sbin/dockerd")) {
    // detached through the shell, so it outlives this script and the test run after it
    await run("sh", ["-c", "nohup /usr/sbin/dockerd >/tmp/dockerd.log 2>&1 &"]);
    for (let i = 0; i < 60 && !(await dockerAnswers()); i++) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.error(
      `ensure_packages: started dockerd (log in /tmp/dockerd.log): ${
        (await dockerAnswers()) ? "it answers" : "it does not answer yet"
      }`,
    );
  }
}
