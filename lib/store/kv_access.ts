import { dirname, resolve } from "node:path";

/**
 * Why the kv database at `path` could not be opened, when the reason is that this process may
 * not write there (a bind-mounted host folder owned by root, a database file copied in by
 * another user): says who owns it and what to do. Any other failure comes back as it was.
 */
export function explainOpenFailure(path: string, error: unknown): unknown {
  const file = resolve(path);
  const dir = existingFolder(dirname(file));
  const target =
    denied(() =>
        Deno.removeSync(Deno.makeTempFileSync({ dir, prefix: ".write-test-" }))
      )
      ? dir
      : denied(() => Deno.openSync(file, { read: true, write: true }).close())
      ? file
      : null;
  if (target === null) return error;
  let owner = "";
  try {
    const { uid, gid, mode } = Deno.statSync(target);
    owner = ` (it belongs to uid ${uid}, gid ${gid}, mode ${
      ((mode ?? 0) & 0o777).toString(8)
    })`;
  } catch {
    // stat refused too: say less
  }
  // the process cannot learn its own uid without --allow-sys or --allow-all (Deno refuses even
  // /proc/self), so the message names the container image's user and says so
  return new Error(
    `the kv store keeps its database in ${target}, which this server cannot write${owner}. ` +
      "A bind-mounted host folder must belong to the server's user, uid 1993 in the container " +
      "image: chown -R 1993:1993 <host folder> (outside a container, to the user the server " +
      "runs as); or, in a container, mount a named volume instead (-v scope-data:/app/data), " +
      "which Docker creates with the right owner",
  );
}

/** The nearest existing folder at or above `dir` (open() creates the missing ones). */
function existingFolder(dir: string): string {
  for (;;) {
    try {
      if (Deno.statSync(dir).isDirectory) return dir;
    } catch {
      // missing: look further up
    }
    const up = dirname(dir);
    if (up === dir) return dir;
    dir = up;
  }
}

/** Whether `probe` fails for lack of permission (NotFound, NotCapable and the rest are not). */
function denied(probe: () => void): boolean {
  try {
    probe();
    return false;
  } catch (e) {
    return e instanceof Deno.errors.PermissionDenied;
  }
}
