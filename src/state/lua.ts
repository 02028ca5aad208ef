/**
 * The Lua scripts behind RedisState. Each runs atomically on the Redis server and reads the
 * server's clock (TIME), so replicas with skewed clocks still share one window. The algorithms are
 * Lua functions (FUNCTIONS) that several scripts share: `ADMIT` runs the rate, token and credit
 * checks of one request in one round trip. Numbers that may be fractional are returned as strings
 * (Redis truncates Lua numbers to integers).
 */

const FUNCTIONS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- sliding-window log: admits and counts one request when fewer than limit in the window
local function rate_hit(key, limit, win, member, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
  local n = redis.call('ZCARD', key)
  if n < limit then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, win)
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {1, n + 1, 0, tonumber(first[2]) + win - now}
  end
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  return {0, n, tonumber(first[2]) + win - now, tonumber(last[2]) + win - now}
end

-- tokens in the window: members are "id:tokens"
local function tokens_used(key, win, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
  local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local used = 0
  local oldest = nil
  for i = 1, #items, 2 do
    local m = items[i]
    used = used + tonumber(string.sub(m, string.find(m, ':[^:]*$') + 1))
    if oldest == nil then oldest = tonumber(items[i + 1]) end
  end
  if oldest == nil then return {used, 0} end
  return {used, oldest + win - now}
end

-- credit: settled spend (the larger of Redis's and the store's baseline) + unexpired holds < limit → hold amount.
-- The holds hash keeps their running sum in field '_sum' (reset to 0 when no hold is left).
local function holds_expire(holds_k, expiry_k, now)
  local expired = redis.call('ZRANGEBYSCORE', expiry_k, '-inf', now)
  for _, id in ipairs(expired) do
    local amt = redis.call('HGET', holds_k, id)
    if amt then
      redis.call('HDEL', holds_k, id)
      redis.call('HINCRBYFLOAT', holds_k, '_sum', -tonumber(amt))
    end
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', expiry_k, '-inf', now) end
  if redis.call('ZCARD', expiry_k) == 0 then redis.call('HSET', holds_k, '_sum', '0') end
  return tonumber(redis.call('HGET', holds_k, '_sum') or '0')
end

local function credit_reserve(spent_k, holds_k, expiry_k, limit, baseline, amount, hold_id, ttl, spend_ttl, now)
  local cur = redis.call('GET', spent_k)
  local spent = tonumber(cur or '0')
  if cur == false or tonumber(baseline) > spent then
    spent = tonumber(baseline)
    redis.call('SET', spent_k, baseline)
  end
  redis.call('PEXPIRE', spent_k, spend_ttl)
  local held = holds_expire(holds_k, expiry_k, now)
  if spent + held >= limit then return {0, tostring(spent), tostring(held)} end
  redis.call('HSET', holds_k, hold_id, amount)
  local sum = redis.call('HINCRBYFLOAT', holds_k, '_sum', amount)
  redis.call('ZADD', expiry_k, now + ttl, hold_id)
  redis.call('PEXPIRE', holds_k, ttl)
  redis.call('PEXPIRE', expiry_k, ttl)
  return {1, tostring(spent), sum}
end`;

/** KEYS[1] zset. ARGV: limit, windowMs, member. → {ok, count, retryAfterMs, resetMs} */
export const RATE_HIT = `${FUNCTIONS}
return rate_hit(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], now_ms())`;

/** KEYS[1] zset of "id:tokens". ARGV: windowMs. → {used, oldestExpiresInMs} */
export const TOKENS_USED = `${FUNCTIONS}
return tokens_used(KEYS[1], tonumber(ARGV[1]), now_ms())`;

/** KEYS[1] zset. ARGV: windowMs, member ("id:tokens"). */
export const TOKENS_ADD = `${FUNCTIONS}
redis.call('ZADD', KEYS[1], now_ms(), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1`;

/**
 * KEYS[1] settled spend (string float), KEYS[2] hash holdId → amount, KEYS[3] zset holdId → expiry.
 * ARGV: limit, baseline, amount, holdId, ttlMs, spendTtlMs. → {ok, spent, held} (strings)
 */
export const CREDIT_RESERVE = `${FUNCTIONS}
return credit_reserve(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), now_ms())`;

/** Same KEYS as CREDIT_RESERVE. ARGV: holdId, cost, spendTtlMs. Drops the hold and adds the cost atomically. */
export const CREDIT_SETTLE = `
local amt = redis.call('HGET', KEYS[2], ARGV[1])
if amt then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HINCRBYFLOAT', KEYS[2], '_sum', -tonumber(amt))
end
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[3]) == 0 then redis.call('HSET', KEYS[2], '_sum', '0') end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBYFLOAT', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 1`;

/**
 * One request's checks in order, stopping at the first refusal. KEYS: rate zset, tokens zset,
 * spent, holds, hold expiry. ARGV: member, rateLimit, rateWindowMs, tokenLimit, tokenWindowMs,
 * creditLimit, baseline, amount, holdId, holdTtlMs, spendTtlMs (a limit of "" skips that check).
 * → {verdict, rate…(4), tokens…(2), credit…(3)}: verdict 1 admitted, 0 rate, 2 tokens, 3 credit.
 */
export const ADMIT = `${FUNCTIONS}
local now = now_ms()
local r = {1, 0, 0, 0}
local t = {0, 0}
local c = {1, '0', '0'}
if ARGV[2] ~= '' then
  r = rate_hit(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[1], now)
  if r[1] == 0 then return {0, r[1], r[2], r[3], r[4], t[1], t[2], c[1], c[2], c[3]} end
end
if ARGV[4] ~= '' then
  t = tokens_used(KEYS[2], tonumber(ARGV[5]), now)
  if t[1] >= tonumber(ARGV[4]) then return {2, r[1], r[2], r[3], r[4], t[1], t[2], c[1], c[2], c[3]} end
end
if ARGV[6] ~= '' then
  c = credit_reserve(KEYS[3], KEYS[4], KEYS[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11]), now)
  if c[1] == 0 then return {3, r[1], r[2], r[3], r[4], t[1], t[2], c[1], c[2], c[3]} end
end
return {1, r[1], r[2], r[3], r[4], t[1], t[2], c[1], c[2], c[3]}`;
