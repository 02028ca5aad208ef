/**
 * The Lua scripts behind RedisState. Each runs atomically on the Redis server and reads the
 * server's clock (TIME), so replicas with skewed clocks still share one window. Numbers that may
 * be fractional are returned as strings (Redis truncates Lua numbers to integers).
 */

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] zset of admitted requests. ARGV: limit, windowMs, member. → {ok, count, retryAfterMs, resetMs} */
export const RATE_HIT = `${NOW}
local limit = tonumber(ARGV[1]); local win = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], win)
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, n + 1, 0, tonumber(first[2]) + win - now}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return {0, n, tonumber(first[2]) + win - now, tonumber(last[2]) + win - now}`;

/** KEYS[1] zset of "id:tokens" members. ARGV: windowMs. → {used, oldestExpiresInMs} */
export const TOKENS_USED = `${NOW}
local win = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local items = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
local oldest = nil
for i = 1, #items, 2 do
  local m = items[i]
  used = used + tonumber(string.sub(m, string.find(m, ':[^:]*$') + 1))
  if oldest == nil then oldest = tonumber(items[i + 1]) end
end
if oldest == nil then return {used, 0} end
return {used, oldest + win - now}`;

/** KEYS[1] zset. ARGV: windowMs, member ("id:tokens"). */
export const TOKENS_ADD = `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1`;

/**
 * KEYS[1] settled spend (string float), KEYS[2] hash holdId → amount, KEYS[3] zset holdId → expiry.
 * ARGV: limit, baseline, amount, holdId, ttlMs, spendTtlMs. → {ok, spent, held} (strings)
 */
export const CREDIT_RESERVE = `${NOW}
local limit = tonumber(ARGV[1]); local baseline = tonumber(ARGV[2]); local amount = tonumber(ARGV[3]); local ttl = tonumber(ARGV[5])
local cur = redis.call('GET', KEYS[1])
local spent = tonumber(cur or '0')
if cur == false or baseline > spent then
  spent = baseline
  redis.call('SET', KEYS[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[2], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local held = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do held = held + tonumber(v) end
if spent + held >= limit then return {0, tostring(spent), tostring(held)} end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[3], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return {1, tostring(spent), tostring(held + amount)}`;

/** Same KEYS as CREDIT_RESERVE. ARGV: holdId, cost, spendTtlMs. Drops the hold and adds the cost atomically. */
export const CREDIT_SETTLE = `
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBYFLOAT', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 1`;
