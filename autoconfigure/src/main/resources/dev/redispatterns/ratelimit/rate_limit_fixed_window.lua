-- Fixed window: a counter per window, windows aligned on Redis TIME.
-- The key is a hash {w = window index, c = permits granted in it} that expires when the window ends.
-- KEYS[1] bucket
-- ARGV[1] permits (a negative value refunds a grant made in window ARGV[4])
-- ARGV[2] limit, ARGV[3] window in ms, ARGV[4] window index of the grant to refund
-- Reply: {allowed, remaining, reset ms, retry-after ms (-1: never), window index}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local permits = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local index = math.floor(now / window)
local reset = (index + 1) * window - now
local state = redis.call('HMGET', KEYS[1], 'w', 'c')
local count = 0
if tonumber(state[1]) == index then
  count = tonumber(state[2]) or 0
end

if permits < 0 then
  if tonumber(ARGV[4]) == index and count > 0 then
    count = math.max(0, count + permits)
    redis.call('HSET', KEYS[1], 'c', count)
    redis.call('PEXPIRE', KEYS[1], reset)
  end
  return {1, limit - count, reset, 0, index}
end

if count + permits <= limit then
  count = count + permits
  redis.call('HSET', KEYS[1], 'w', index, 'c', count)
  redis.call('PEXPIRE', KEYS[1], reset)
  return {1, limit - count, reset, 0, index}
end

-- Rejected: nothing is written.
local retry = reset
if permits > limit then
  retry = -1
end
return {0, limit - count, reset, retry, index}
