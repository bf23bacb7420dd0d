// Names that come from elsewhere (InfluxDB measurements and tags, MQTT topic levels) made into
// parts of a channel name, so a sender's spelling never turns into a refused point.

const UNDERSCORE = 95;
const MINUS = 45;

function isChannelChar(c: number): boolean {
  // a-z, A-Z, 0-9 and ":" (58, just after "9"), "_", "-"
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 58) ||
    c === UNDERSCORE || c === MINUS;
}

/** One channel component: each character outside [A-Za-z0-9_:-] (a "." too) becomes "_". */
export function channelPart(s: string): string {
  let i = 0;
  while (i < s.length && isChannelChar(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isChannelChar(c)) {
      out += s[i];
      continue;
    }
    out += "_";
    // an emoji is one character, not two
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
  }
  return out;
}
