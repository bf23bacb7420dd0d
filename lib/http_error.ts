import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error routes throw; `app.onError` turns it into `{status:"error", message, field}`. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
    /** more members of the error body, e.g. how much of a stream was stored before it failed */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}
