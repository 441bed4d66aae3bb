-- Adds items to a HyperLogLog and keeps its expiry, in one round trip.
-- KEYS[1] the HyperLogLog
-- ARGV[1] expiry (Unix ms, 0 = none), ARGV[2...] items
-- Returns 1 if the estimate may have changed, else 0.
local changed = redis.call('PFADD', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '0' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
end
return changed
