-- Returns a semaphore permit or a read lock: removes the caller's token and wakes the waiters.
-- Releasing twice is harmless.
-- KEYS[1] holders (sorted set token -> lease deadline ms), KEYS[2] fencing tokens (hash), KEYS[3] waiting marker
-- ARGV[1] owner token, ARGV[2] release channel
-- Returns 1 when the caller still held it, 0 otherwise.
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PUBLISH', ARGV[2], '1')
end
if tonumber(expiry) > now_ms(redis.call('TIME')) then
  return 1
end
return 0
