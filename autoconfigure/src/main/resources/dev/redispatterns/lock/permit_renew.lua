-- Extends the lease of a semaphore permit or a read lock if the caller still holds it.
-- KEYS[1] holders (sorted set token -> lease deadline ms), KEYS[2] fencing tokens (hash)
-- ARGV[1] owner token, ARGV[2] lease ms
-- Returns 1 when extended, 0 when the caller no longer holds it.
local lease = tonumber(ARGV[2])
local now = now_ms(redis.call('TIME'))
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) <= now then
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', digits(now + lease), ARGV[1])
keep_alive(KEYS[1], lease)
keep_alive(KEYS[2], lease)
return 1
