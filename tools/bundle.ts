// Bundles the island for the browser: islands/client.tsx -> static/scope.js (minified, with a
// source map). `deno task start` and `deno task test` run this first, so the page never serves a
// stale bundle. Usage: deno task bundle
import { brotliCompressSync, constants } from "node:zlib";

const root = new URL("..", import.meta.url);
const out = new URL("static/scope.js", root).pathname;
const started = performance.now();
const { code, stderr } = await new Deno.Command(Deno.execPath(), {
  args: [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--minify",
    "--sourcemap=linked",
    "-o",
    out,
    "islands/client.tsx",
  ],
  cwd: root.pathname,
  stdout: "inherit",
  stderr: "piped",
}).output();
if (code !== 0) {
  console.error(new TextDecoder().decode(stderr));
  console.error("bundle: deno bundle failed");
  Deno.exit(code);
}
const { size } = await Deno.stat(out);
// brotli, once here rather than per request: the server sends scope.js.br to browsers that
// accept br (all current ones), and it is what the first trace waits for
const bundled = await Deno.readFile(out);
const br = brotliCompressSync(bundled, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_SIZE_HINT]: bundled.length,
  },
});
await Deno.writeFile(`${out}.br`, br);
console.error(
  `bundle: static/scope.js ${(size / 1024).toFixed(0)} KiB (${
    (br.length / 1024).toFixed(0)
  } KiB brotli) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
