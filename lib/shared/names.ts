// The spellings both sides check: the server when it takes a point, the page when it decodes
// a share link. One definition, so a name the server stores is always one a link may carry.

/** Channel names: short, URL- and CSV-safe. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The channel a point without a name goes to. */
export const DEFAULT_CHANNEL = "default";

/**
 * A plain decimal, as Python's float() accepted it in the original and senders still send it:
 * optionally signed, with an exponent. Never nan, inf, hex or "" (Number() takes all of those).
 */
export const DECIMAL_SOURCE = String
  .raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;

/** A whole string that is one plain decimal. */
export const DECIMAL = new RegExp(`^${DECIMAL_SOURCE}$`);
