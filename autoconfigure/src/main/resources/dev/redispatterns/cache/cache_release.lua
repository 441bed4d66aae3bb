-- Releases a lease without a value (the load failed or its result is not cached), if still held by
-- the caller, and wakes the waiters.
-- KEYS[1] lease
-- ARGV[1] lease token, ARGV[2] channel, ARGV[3] message
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
