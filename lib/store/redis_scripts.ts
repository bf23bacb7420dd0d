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
  /** the highest seq any removed channel reached; channels created later number above it */
  floor: string;
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
    floor: `${p}:floor`,
    seq: (name) => `${p}:seq:${name}`,
    stream: (name) => `${p}:data:${name}`,
    cleared: (name) => `${p}:cleared:${name}`,
  };
}

// One atomic step: admit the channel (within the limit), number the batch from the channel's
// counter, and add it to the channel's stream with the seq of its last point as the entry ID.
// Trimming by MINID keeps about `capacity` points, however big the batches are.
// A new channel's counter starts at the floor, above every channel removed before it.
// KEYS: channels zset, channel counter, seq counter, stream, events, epoch, floor; ARGV: name,
// n, capacity, max channels, points (float64 x,y pairs), epoch this instance numbers under
const APPEND = `
if redis.call('GET', KEYS[6]) ~= ARGV[6] then return -2 end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[1])
  redis.call('SET', KEYS[3], redis.call('GET', KEYS[7]) or '0')
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'type', 'channel', 'channel', ARGV[1])
end
local last = redis.call('INCRBY', KEYS[3], tonumber(ARGV[2]))
local keep = last - tonumber(ARGV[3]) + 1
if keep < 0 then keep = 0 end
redis.call('XADD', KEYS[4], 'MINID', '~', string.format('%d', keep),
  string.format('%d', last) .. '-0', 'p', ARGV[5])
return last
`;

// Removes a channel: out of the channel set (its slot is free), its counter, stream and clear
// marker deleted, the floor raised to its last seq, and an event for every instance's follower.
// KEYS: channels zset, seq counter, stream, cleared marker, events, floor; ARGV: name, capacity
// Returns { its last seq, points it held }, or { -1, 0 } for no such channel.
const REMOVE = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then return {-1, 0} end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local prev = tonumber(redis.call('GET', KEYS[4]) or '0')
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
if last > tonumber(redis.call('GET', KEYS[6]) or '0') then
  redis.call('SET', KEYS[6], string.format('%d', last))
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'type', 'remove',
  'channel', ARGV[1], 'seq', string.format('%d', last))
local oldest = last - tonumber(ARGV[2])
if prev > oldest then oldest = prev end
if oldest < 0 then oldest = 0 end
return {last, last - oldest}
`;

/** The scripts above, as the commands `redisClients` defines on the client. */
export interface Scripts {
  oscAppend(...args: (string | number | Buffer)[]): Promise<number>;
  oscRemove(...args: (string | number)[]): Promise<[number, number]>;
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
  client.defineCommand("oscAppend", { numberOfKeys: 7, lua: APPEND });
  client.defineCommand("oscRemove", { numberOfKeys: 6, lua: REMOVE });
  const reader = new Redis(url, settings);
  return { client, reader };
}
