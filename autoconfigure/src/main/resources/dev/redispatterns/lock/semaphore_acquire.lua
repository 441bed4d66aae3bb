-- Takes one permit of a counting semaphore, with its own lease and the next fencing token of the name.
-- Permits whose lease ran out (a holder that died) are free again. Idempotent for the same token while held.
-- KEYS[1] holders: sorted set token -> lease deadline (server ms)
-- KEYS[2] holders' fencing tokens: hash token -> fence
-- KEYS[3] waiting marker: releases publish only while it exists
-- KEYS[4] fencing counter
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] fencing counter TTL ms,
-- ARGV[4] waiting ms (> 0 the caller will wait), ARGV[5] release channel (unused here), ARGV[6] permits
-- Returns the fencing token (> 0), otherwise -1 - (ms until the first permit's lease runs out).
local token, lease = ARGV[1], tonumber(ARGV[2])
local time = redis.call('TIME')
local now = now_ms(time)
local expiry = redis.call('ZSCORE', KEYS[1], token)
if expiry and tonumber(expiry) > now then
  redis.call('ZADD', KEYS[1], 'XX', digits(now + lease), token)
  keep_alive(KEYS[1], lease)
  keep_alive(KEYS[2], lease)
  return tonumber(redis.call('HGET', KEYS[2], token))
end
prune(KEYS[1], KEYS[2], now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[6]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return waiting(KEYS[3], tonumber(ARGV[4]), tonumber(first[2]) - now)
end
local fence = next_fence(KEYS[4], ARGV[3], time)
redis.call('ZADD', KEYS[1], digits(now + lease), token)
redis.call('HSET', KEYS[2], token, fence)
keep_alive(KEYS[1], lease)
keep_alive(KEYS[2], lease)
return tonumber(fence)
