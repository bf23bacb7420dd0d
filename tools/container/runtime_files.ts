// Run in the Dockerfile's build stage: copies what the server loads at run time, and nothing
// else, into <out>/app and <out>/deno-dir for the runtime stage. That is every local module in
// the module graphs of the given entry points (main.ts), the npm
// packages those graphs reach (with their dependencies, from the lockfile's resolution),
// static/ (the bundle built before this runs, style sheet, icon), and deno.json and deno.lock
// trimmed to those packages.
// Test- and build-only packages (playwright-core, fast-check, esbuild) are in no such graph, so
// they stay behind. Reads the cache `deno install` filled; fetches nothing.
//
// Usage: deno run --allow-read --allow-write=<out> --allow-run --allow-env \
//   tools/container/runtime_files.ts <out> main.ts [more entry points]
import { dirname, join, relative, resolve } from "node:path";

interface Module {
  kind: string;
  specifier: string;
  local?: string;
  npmPackage?: string;
  error?: string;
}
interface NpmPackage {
  name: string;
  version: string;
  dependencies: string[];
  localPath?: string;
}
interface Graph {
  modules: Module[];
  npmPackages: Record<string, NpmPackage>;
}

/** Folders copied whole, beside the module graphs. */
const ALWAYS = ["static"];

const [out, ...entries] = Deno.args;
if (!out || entries.length === 0) {
  console.error("usage: runtime_files.ts <out> <entry.ts>...");
  Deno.exit(2);
}
const root = Deno.cwd();

async function denoJson<T>(args: string[]): Promise<T> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (code !== 0) {
    console.error(new TextDecoder().decode(stderr));
    throw new Error(`deno ${args.join(" ")} failed`);
  }
  return JSON.parse(new TextDecoder().decode(stdout));
}

async function copy(from: string, to: string): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  const { code } = await new Deno.Command("cp", {
    args: ["-a", from, to],
  }).output();
  if (code !== 0) throw new Error(`cp -a ${from} ${to} failed`);
}

const { denoDir } = await denoJson<{ denoDir: string }>(["info", "--json"]);
const files = new Set<string>();
const roots: string[] = [];
const packages = new Map<string, NpmPackage>();
for (const entry of entries) {
  const graph = await denoJson<Graph>(["info", "--json", entry]);
  for (const [id, pkg] of Object.entries(graph.npmPackages)) {
    packages.set(id, pkg);
  }
  for (const m of graph.modules) {
    if (m.error) throw new Error(`${m.specifier}: ${m.error}`);
    if (m.kind === "npm" && m.npmPackage) roots.push(m.npmPackage);
    else if (m.kind === "node") continue;
    else if (m.specifier.startsWith("file://") && m.local) {
      files.add(relative(root, m.local));
    } else {
      // a remote module would need the modules cache too; none is used today
      throw new Error(`${m.specifier}: only local and npm: modules are copied`);
    }
  }
}

// the npm packages reached, with everything they depend on
const needed = new Set<string>();
const queue = [...roots];
while (queue.length > 0) {
  const id = queue.pop()!;
  if (needed.has(id)) continue;
  const pkg = packages.get(id);
  if (!pkg) {
    throw new Error(`npm package ${id} is not in the lockfile's resolution`);
  }
  needed.add(id);
  queue.push(...pkg.dependencies);
}

// deno.json and deno.lock without the packages left behind: `deno run` fetches every package
// of the import map that is not in the cache before it starts, even one nothing imports
const names = new Set([...needed].map((id) => packages.get(id)!.name));
/** The package an import map target or lockfile specifier names: npm:/@a/b@^1/ -> @a/b. */
function npmName(target: string): string | null {
  const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)/.exec(target);
  return m ? m[1] : null;
}
const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
const imports: Record<string, string> = {};
for (const [key, target] of Object.entries<string>(config.imports ?? {})) {
  const name = npmName(target);
  if (name === null || names.has(name)) imports[key] = target;
}
config.imports = imports;
const lock = JSON.parse(await Deno.readTextFile(join(root, "deno.lock")));
const specifiers: Record<string, string> = {};
for (const [spec, resolved] of Object.entries<string>(lock.specifiers ?? {})) {
  const name = npmName(spec);
  if (name === null || needed.has(`${name}@${resolved}`)) {
    specifiers[spec] = resolved;
  }
}
lock.specifiers = specifiers;
if (lock.npm) {
  lock.npm = Object.fromEntries(
    Object.entries(lock.npm).filter(([id]) => needed.has(id)),
  );
}
if (lock.workspace?.dependencies) {
  lock.workspace.dependencies = lock.workspace.dependencies.filter(
    (spec: string) => npmName(spec) === null || spec in specifiers,
  );
}
await Deno.mkdir(join(out, "app"), { recursive: true });
await Deno.writeTextFile(
  join(out, "app", "deno.json"),
  JSON.stringify(config, null, 2) + "\n",
);
await Deno.writeTextFile(
  join(out, "app", "deno.lock"),
  JSON.stringify(lock, null, 2) + "\n",
);

for (const file of [...files, ...ALWAYS]) {
  if (file.startsWith("..")) throw new Error(`${file} is outside ${root}`);
  await copy(join(root, file), join(out, "app", file));
}
const copied = new Set<string>();
for (const id of needed) {
  const { localPath } = packages.get(id)!;
  if (!localPath) throw new Error(`npm package ${id} is not in the cache`);
  // the version's folder, and the package's registry.json beside it (its metadata)
  for (const path of [localPath, join(dirname(localPath), "registry.json")]) {
    const rel = relative(denoDir, resolve(path));
    if (copied.has(rel)) continue;
    copied.add(rel);
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    await copy(path, join(out, "deno-dir", rel));
  }
}
console.error(
  `runtime_files: ${files.size} modules, ${needed.size} npm packages (${
    [...needed].map((id) => packages.get(id)!.name).sort().join(", ")
  }) -> ${out}`,
);
