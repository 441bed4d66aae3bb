-- Token bucket: up to `capacity` tokens, refilled continuously at `rate` tokens per second (fractions
-- accumulate). One hash per key {tk = tokens, ts = Redis TIME of the last grant in microseconds}. The
-- key expires when the bucket would be full again, which is the same as no key at all.
-- KEYS[1] bucket
-- ARGV[1] permits (a negative value returns tokens), ARGV[2] capacity, ARGV[3] refill rate per second
-- Reply: {allowed, remaining, reset ms (until full), retry-after ms (-1: never), 0}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local permits = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local epsilon = 1e-9
local state = redis.call('HMGET', KEYS[1], 'tk', 'ts')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
local exists = tokens ~= nil and last ~= nil
if not exists then
  tokens = capacity
  last = now
end
if now > last then
  tokens = math.min(capacity, tokens + (now - last) * rate / 1000000)
end

local function untilFull(tk)
  return math.max(0, math.ceil((capacity - tk) * 1000 / rate - epsilon))
end

local function store(tk)
  redis.call('HSET', KEYS[1], 'tk', tk, 'ts', now)
  redis.call('PEXPIRE', KEYS[1], untilFull(tk) + 1)
end

if permits < 0 then
  if exists then
    tokens = math.min(capacity, tokens - permits)
    store(tokens)
  end
  return {1, math.floor(tokens + epsilon), untilFull(tokens), 0, 0}
end

if tokens + epsilon >= permits then
  tokens = math.max(0, tokens - permits)
  store(tokens)
  return {1, math.floor(tokens + epsilon), untilFull(tokens), 0, 0}
end

-- Rejected: nothing is written; the refill is recomputed from the stored time on the next call.
local retry = -1
if permits <= capacity then
  retry = math.max(1, math.ceil((permits - tokens) * 1000 / rate - epsilon))
end
return {0, math.floor(tokens + epsilon), untilFull(tokens), retry, 0}
