import { channelPart } from "./channel_part.ts";

/**
 * MQTT topics to channels. A subscription filter such as `osc/#` or `lab/+/temp` has a fixed
 * prefix (the levels before its first wildcard); the channel is the topic's levels after that
 * prefix, joined with "." (`osc/lab/temp` under `osc/#` → `lab.temp`). Each level is made a
 * valid channel part (characters outside [A-Za-z0-9_:-] become "_"), empty levels are skipped,
 * and a topic with nothing after the prefix names no channel: its payload decides.
 */

export interface TopicFilter {
  /** as subscribed, e.g. `osc/#` */
  filter: string;
  levels: string[];
  /** how many levels come before the first wildcard */
  fixed: number;
}

const MAX_CHANNEL_CHARS = 64;

/** Reads OSC_MQTT_TOPICS: comma-separated filters, each checked as MQTT defines them. */
export function parseTopicFilters(
  list: string,
): TopicFilter[] | { reason: string } {
  const filters: TopicFilter[] = [];
  for (const raw of list.split(",")) {
    const filter = raw.trim();
    if (filter === "") continue;
    if (filter.startsWith("$share/")) {
      return {
        reason:
          `"${filter}": give the plain filter; shared subscriptions come from OSC_MQTT_GROUP`,
      };
    }
    const levels = filter.split("/");
    let fixed = -1;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i];
      const wild = level === "+" || level === "#";
      if (!wild && (level.includes("+") || level.includes("#"))) {
        return {
          reason: `"${filter}": + and # must fill a whole topic level`,
        };
      }
      if (level === "#" && i !== levels.length - 1) {
        return { reason: `"${filter}": # may only be the last level` };
      }
      if (wild && fixed === -1) fixed = i;
    }
    filters.push({
      filter,
      levels,
      fixed: fixed === -1 ? levels.length : fixed,
    });
  }
  if (filters.length === 0) return { reason: "no topic filter given" };
  return filters;
}

/** Whether `topic` matches the filter, by MQTT's rules ($-topics never match a wildcard). */
function matches(topic: string[], f: TopicFilter): boolean {
  if (f.fixed === 0 && topic[0].startsWith("$")) return false;
  for (let i = 0; i < f.levels.length; i++) {
    const level = f.levels[i];
    // `a/#` matches `a` too
    if (level === "#") return true;
    if (i >= topic.length) return false;
    if (level !== "+" && level !== topic[i]) return false;
  }
  return topic.length === f.levels.length;
}

/**
 * The channel for a message's topic: a name, null when the topic adds nothing to the filter's
 * prefix, or why it cannot have one (no filter matches, or the name would be too long).
 */
export function topicChannel(
  topic: string,
  filters: TopicFilter[],
): string | null | { reason: string } {
  const levels = topic.split("/");
  const f = filters.find((f) => matches(levels, f));
  if (!f) return { reason: `topic "${topic}" matches none of the filters` };
  const parts = levels.slice(f.fixed).filter((l) => l !== "").map(channelPart);
  if (parts.length === 0) return null;
  const channel = parts.join(".");
  if (channel.length > MAX_CHANNEL_CHARS) {
    return {
      reason:
        `topic "${topic}" makes a channel name of ${channel.length} characters (max ${MAX_CHANNEL_CHARS})`,
    };
  }
  return channel;
}
