-- Shared by every lock script: loaded in front of each script's own text, so they run as one chunk.
-- Time always comes from Redis (TIME), never from a client clock.

-- Milliseconds of Redis server time.
local function now_ms(time)
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Whole numbers as plain digits: Redis would print large Lua numbers with an exponent.
local function digits(number)
  return string.format('%.0f', number)
end

-- The next fencing token of a lock name: above the last one issued and at least the server time in
-- microseconds. Tokens therefore keep rising after the counter expired, after a restart from an older
-- snapshot and after a failover to a replica that missed the last tokens, as long as its clock is not
-- behind by more than the failover took. The counter expires, so dynamic lock names leave nothing behind.
local function next_fence(counter, ttl, time)
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local text = digits(now)
  -- optimistic: the clock is almost always ahead of the last token, so one SET ... GET usually does
  local last = tonumber(redis.call('SET', counter, text, 'PX', ttl, 'GET'))
  if last and last >= now then
    text = digits(last + 1)
    redis.call('SET', counter, text, 'PX', ttl)
  end
  return text
end

-- Keeps a key alive for at least ms milliseconds without ever shortening its life.
local function keep_alive(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, ms)
  end
end

-- Drops the holders (readers, permits) of a sorted set whose lease ran out, with their fencing tokens.
local function prune(holders, fences, now)
  local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
    for _, token in ipairs(expired) do
      redis.call('HDEL', fences, token)
    end
  end
end

-- A failed attempt of a caller that will wait: leave a marker so that releases publish a wake-up (no
-- marker, no PUBLISH: uncontended releases stay cheap, also in a cluster). Returns the retry hint.
local function waiting(marker, ms, hint)
  if ms > 0 and redis.call('PTTL', marker) < ms then
    redis.call('SET', marker, '1', 'PX', ms)
  end
  return -1 - math.max(hint, 0)
end

