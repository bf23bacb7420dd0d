// A serial device as a stream of reads that survives the board being unplugged: the baud rate
// set with stty (coreutils, so no native module), the device opened for reading, and when it
// goes away (EOF, EIO) waiting for the path to come back and opening it again.

export interface DeviceEvents {
  /** the device is open and being read */
  opened(path: string): void;
  /** it went away; `why` says how */
  lost(path: string, why: string): void;
  /** the path does not exist (yet): said once per wait */
  waiting(path: string): void;
  /** stty could not set the line (not a tty, no permission); the device is read anyway */
  sttyFailed(path: string, why: string): void;
  /** one read's bytes */
  data(bytes: Uint8Array): void;
}

const RETRY_MS = 250;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Raw mode, no echo, at `baud`: what a board printing lines needs. */
async function stty(path: string, baud: number): Promise<string | null> {
  try {
    const out = await new Deno.Command("stty", {
      args: ["-F", path, String(baud), "raw", "-echo"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.code === 0 ? null : new TextDecoder().decode(out.stderr).trim();
  } catch (e) {
    return String(e);
  }
}

/** Reads `path` until `signal` aborts, reopening it each time it comes back. */
export async function readDevice(
  path: string,
  baud: number,
  events: DeviceEvents,
  signal: AbortSignal,
): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  while (!signal.aborted) {
    if (!(await exists(path))) {
      events.waiting(path);
      while (!signal.aborted && !(await exists(path))) {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
      if (signal.aborted) return;
    }
    const failed = await stty(path, baud);
    if (failed !== null) events.sttyFailed(path, failed);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      events.lost(path, String(e));
      await new Promise((r) => setTimeout(r, RETRY_MS));
      continue;
    }
    events.opened(path);
    const abort = () => file.close();
    signal.addEventListener("abort", abort, { once: true });
    let why = "end of file";
    try {
      for (;;) {
        const n = await file.read(buffer);
        if (n === null) break;
        if (n > 0) events.data(buffer.slice(0, n));
      }
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    } finally {
      signal.removeEventListener("abort", abort);
      try {
        file.close();
      } catch {
        // closed by the abort
      }
    }
    if (signal.aborted) return;
    events.lost(path, why);
    // a pty whose other end is gone reads EOF at once, again and again: wait before retrying
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
