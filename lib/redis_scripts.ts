// What RedisStore keeps in Redis: the key names, the Lua scripts that change them atomically,
// and the two connections it talks over.
import type { Buffer } from "node:buffer";
import { Redis } from "ioredis";

/** The keys of one oscilloscope, all under its prefix. */
export interface RedisKeys {
  channels: string;
  order: string;
  events: string;
  epoch: string;
  seq: (name: string) => string;
  stream: (name: string) => string;
  cleared: (name: string) => string;
}

/** The key names under `prefix`, so several oscilloscopes can share one server. */
export function redisKeys(p: string): RedisKeys {
  return {
    channels: `${p}:channels`,
    order: `${p}:channel-order`,
    events: `${p}:events`,
    epoch: `${p}:epoch`,
    seq: (name) => `${p}:seq:${name}`,
    stream: (name) => `${p}:data:${name}`,
    cleared: (name) => `${p}:cleared:${name}`,
  };
}

// One atomic step: admit the channel (within the limit), number the batch from the channel's
// counter, and add it to the channel's stream with the seq of its last point as the entry ID.
// Trimming by MINID keeps about `capacity` points, however big the batches are.
// KEYS: channels zset, channel counter, seq counter, stream, events, epoch; ARGV: name, n,
// capacity, max channels, points (float64 x,y pairs), epoch this instance numbers under
const APPEND = `
if redis.call('GET', KEYS[6]) ~= ARGV[6] then return -2 end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[1])
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'type', 'channel', 'channel', ARGV[1])
end
local last = redis.call('INCRBY', KEYS[3], tonumber(ARGV[2]))
local keep = last - tonumber(ARGV[3]) + 1
if keep < 0 then keep = 0 end
redis.call('XADD', KEYS[4], 'MINID', '~', string.format('%d', keep),
  string.format('%d', last) .. '-0', 'p', ARGV[5])
return last
`;

// KEYS: seq counter, stream, cleared marker, events; ARGV: name, capacity
// Returns { seq cleared through, points that were held }.
const CLEAR = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[3]) or '0')
if last <= prev then return {prev, 0} end
redis.call('XTRIM', KEYS[2], 'MAXLEN', 0)
redis.call('SET', KEYS[3], string.format('%d', last))
redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'type', 'clear',
  'channel', ARGV[1], 'seq', string.format('%d', last))
local oldest = last - tonumber(ARGV[2])
if prev > oldest then oldest = prev end
return {last, last - oldest}
`;

/** The scripts above, as the commands `redisClients` defines on the client. */
export interface Scripts {
  oscAppend(...args: (string | number | Buffer)[]): Promise<number>;
  oscClear(...args: (string | number)[]): Promise<[number, number]>;
}

/**
 * Two unconnected (lazy) connections to `url`: `client` for publishes and clears, with the
 * scripts defined, and `reader` for the blocking reads that would hold up anything sharing it.
 */
export function redisClients(
  url: string,
): { client: Redis & Scripts; reader: Redis } {
  const settings = {
    lazyConnect: true,
    // fail at once while disconnected: a publisher gets a 503 now, not a hung request
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    // a server that stops answering without closing the socket (stalled, partitioned) is
    // treated as gone: the socket is dropped and reconnected, running commands fail
    socketTimeout: 3000,
  };
  const client = new Redis(url, {
    ...settings,
    // a publish is answered (503) within this, whatever the server does
    commandTimeout: 2000,
    // publishes from many requests share round trips
    enableAutoPipelining: true,
  }) as Redis & Scripts;
  client.defineCommand("oscAppend", { numberOfKeys: 6, lua: APPEND });
  client.defineCommand("oscClear", { numberOfKeys: 4, lua: CLEAR });
  const reader = new Redis(url, settings);
  return { client, reader };
}
