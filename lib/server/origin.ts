/**
 * Whether a WebSocket upgrade may proceed. Browsers always send Origin, so a missing one is a
 * script or device, not a hijacking page. Otherwise the origin's host must be the page's own
 * (scheme ignored: TLS often ends at a proxy) or be listed, as a full origin or a bare host.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes("*")) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" from sandboxed frames and file: pages
  }
  if (host !== undefined && url.host === host.toLowerCase()) return true;
  return allowed.some((entry) => entry === url.origin || entry === url.host);
}
