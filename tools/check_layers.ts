// The house rules of the tree, checked rather than remembered (`deno task ok` and a test run
// this): which folder may import which, what the browser bundle may reach, and where I/O may
// happen. Prints every breach and exits 1 when there is one.
import { dirname, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** What each lib folder may import, besides itself. */
const LIB_IMPORTS: Record<string, string[]> = {
  shared: [],
  scope: ["shared"],
  store: ["shared"],
  ingest: ["shared", "store"],
  server: ["shared", "store", "ingest"],
  // the ways in that are not HTTP (MQTT, UDP): sockets of their own, fed into the store
  transports: ["shared", "store", "ingest", "server"],
};

/**
 * What each islands folder may import, besides itself and lib's browser side: the state knows
 * nothing of the DOM's runtime or the markup; the runtime and the markup both drive the state.
 */
const ISLAND_IMPORTS: Record<string, string[]> = {
  state: [],
  runtime: ["state"],
  ui: ["state"],
};

/** Where the browser's bundle may reach, from islands/client.tsx. */
const BROWSER_ROOTS = ["islands/", "lib/shared/", "lib/scope/"];

/**
 * What counts as I/O or a hidden clock, per lib folder. The stores are the one place that
 * talks to an engine (Deno KV, Redis) and waits on timers, as the transports talk to a broker
 * or a socket; the server's modules get their clocks and sinks passed in, so only their
 * defaults may name a timer.
 */
const IO =
  /\bDeno\.(?!Kv\b|KvKey\b|errors\b)|\bconsole\.|\bfetch\(|new WebSocket\b|\bimport\(/;
const TIMERS = /\bset(?:Timeout|Interval)\(/;
const NO_IO: Record<string, { io: boolean; timers: boolean }> = {
  shared: { io: true, timers: true },
  scope: { io: true, timers: true },
  ingest: { io: true, timers: true },
  server: { io: true, timers: false },
  store: { io: false, timers: false },
  transports: { io: false, timers: false },
};

export interface Breach {
  file: string;
  rule: string;
}

/** Every relative import of a source file, as paths from the repository root. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  const re = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g;
  for (const m of text.matchAll(re)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(file), m[1])));
  }
  return out;
}

/** Removes comments, so a rule is not broken by a comment that names `console.log`. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /(^|[^:"'`])\/\/.*$/gm,
    "$1",
  );
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(resolve(ROOT, dir))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...sources(path));
    else if (/\.tsx?$/.test(e.name)) out.push(path);
  }
  return out;
}

const isTest = (file: string) => /_test\.tsx?$/.test(file);

/** The lib rules: folder imports, no route/island/component, no I/O where there should be none. */
export function libBreaches(): Breach[] {
  const breaches: Breach[] = [];
  for (const file of sources("lib")) {
    if (isTest(file)) continue;
    const folder = file.split("/")[1];
    const allowed = LIB_IMPORTS[folder];
    if (allowed === undefined) {
      breaches.push({ file, rule: `lib/${folder} is not a known lib folder` });
      continue;
    }
    const text = Deno.readTextFileSync(resolve(ROOT, file));
    for (const target of importsOf(file, text)) {
      if (!target.startsWith("lib/")) {
        breaches.push({ file, rule: `lib imports ${target}, outside lib` });
        continue;
      }
      const to = target.split("/")[1];
      if (to !== folder && !allowed.includes(to)) {
        breaches.push({ file, rule: `lib/${folder} may not import ${target}` });
      }
    }
    const body = code(text);
    const rules = NO_IO[folder];
    if (rules.io && IO.test(body)) {
      breaches.push({
        file,
        rule: `I/O in lib/${folder}: ${IO.exec(body)![0]}`,
      });
    }
    if (rules.timers && TIMERS.test(body)) {
      breaches.push({ file, rule: `a timer in lib/${folder}` });
    }
  }
  return breaches;
}

/** The islands rule: state, runtime and ui import one another only as ISLAND_IMPORTS says. */
export function islandBreaches(): Breach[] {
  const breaches: Breach[] = [];
  for (const file of sources("islands")) {
    const folder = file.split("/")[1];
    const allowed = ISLAND_IMPORTS[folder];
    if (allowed === undefined) continue; // Scope.tsx and client.tsx put it all together
    const text = Deno.readTextFileSync(resolve(ROOT, file));
    for (const target of importsOf(file, text)) {
      if (target.startsWith("lib/")) continue;
      const to = target.split("/")[1];
      if (
        !target.startsWith("islands/") ||
        (to !== folder && !allowed.includes(to))
      ) {
        breaches.push({
          file,
          rule: `islands/${folder} may not import ${target}`,
        });
      }
    }
  }
  return breaches;
}

/** The bundle rule: every local module islands/client.tsx reaches is browser-side. */
export async function browserBreaches(): Promise<Breach[]> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "islands/client.tsx"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!info.success) {
    return [{ file: "islands/client.tsx", rule: "deno info failed" }];
  }
  const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
    modules: { specifier: string }[];
  };
  const breaches: Breach[] = [];
  for (const { specifier } of graph.modules) {
    if (!specifier.startsWith("file://")) continue;
    const file = relative(ROOT, new URL(specifier).pathname);
    if (!BROWSER_ROOTS.some((root) => file.startsWith(root))) {
      breaches.push({
        file,
        rule: "the browser bundle reaches a server-side module",
      });
    }
  }
  return breaches;
}

if (import.meta.main) {
  const breaches = [
    ...libBreaches(),
    ...islandBreaches(),
    ...await browserBreaches(),
  ];
  for (const b of breaches) console.error(`${b.file}: ${b.rule}`);
  if (breaches.length > 0) Deno.exit(1);
  console.log(
    "layers: lib folders, the browser bundle and I/O all keep the rules",
  );
}
