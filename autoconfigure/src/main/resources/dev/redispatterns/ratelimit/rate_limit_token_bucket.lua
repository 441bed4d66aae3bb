-- Token bucket: up to `capacity` tokens, refilled continuously at `rate` tokens per second (fractions
-- accumulate). One hash per key {tk = tokens, ts = Redis TIME of the last grant in microseconds}. The
-- key expires when the bucket would be full again, which is the same as no key at all. A caller that may
-- wait borrows from the refill: the tokens go below zero, and later callers queue behind that debt.
-- KEYS[1] bucket
-- ARGV[1] permits (a negative value returns tokens), ARGV[2] capacity, ARGV[3] refill rate per second,
-- ARGV[4] unused, ARGV[5] longest wait in ms (0: now or never)
-- Reply: {allowed, remaining, reset ms (until full), retry-after ms (-1: never), 0, wait ms}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local permits = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[5]) or 0
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

local function whole(tk)
  return math.max(0, math.floor(tk + epsilon))
end

if permits < 0 then
  if exists then
    tokens = math.min(capacity, tokens - permits)
    store(tokens)
  end
  return {1, whole(tokens), untilFull(tokens), 0, 0, 0}
end

if tokens + epsilon >= permits then
  tokens = math.max(0, tokens - permits)
  store(tokens)
  return {1, whole(tokens), untilFull(tokens), 0, 0, 0}
end

local retry = -1
if permits <= capacity then
  retry = math.max(1, math.ceil((permits - tokens) * 1000 / rate - epsilon))
  if retry <= maxWait then
    tokens = tokens - permits
    store(tokens)
    return {1, 0, untilFull(tokens), 0, 0, retry}
  end
end
-- Rejected: nothing is written; the refill is recomputed from the stored time on the next call.
return {0, whole(tokens), untilFull(tokens), retry, 0, 0}
