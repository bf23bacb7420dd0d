import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Why a publish was refused, as /metrics and /status count it. */
export type Refusal =
  | "invalid"
  | "too_large"
  | "channel_limit"
  | "rate_limited"
  | "unauthorized"
  | "timeout"
  | "store_unavailable";

/** The one error routes throw; `app.onError` turns it into `{status:"error", message, field}`. */
export class HttpError extends Error {
  /** set on a refused publish: the error handler counts it under this, and knows no routes */
  reason?: Refusal;

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

  /** Marks this error as a refused publish, counted under `reason`; returns it for `throw`. */
  refused(reason: Refusal): this {
    this.reason = reason;
    return this;
  }
}
