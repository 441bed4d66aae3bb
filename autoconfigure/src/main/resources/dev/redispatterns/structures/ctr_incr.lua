-- Increments a counter and keeps its expiry; optionally only while the result stays within a limit
-- (quotas). One round trip, atomic.
-- KEYS[1] the counter
-- ARGV[1] delta, ARGV[2] time to live ms (0 = none), ARGV[3] '1' to restart the time to live on every
-- increment (sliding) or '0' to set it only when the counter is created (fixed window),
-- ARGV[4] limit ('' for none)
-- Returns {1, new value} or {0, current value} when the limit would be exceeded.
local key = KEYS[1]
if ARGV[4] ~= '' then
  local current = tonumber(redis.call('GET', key) or '0')
  if current + tonumber(ARGV[1]) > tonumber(ARGV[4]) then
    return { 0, current }
  end
end
local value = redis.call('INCRBY', key, ARGV[1])
if ARGV[2] ~= '0' and (ARGV[3] == '1' or redis.call('PTTL', key) < 0) then
  redis.call('PEXPIRE', key, ARGV[2])
end
return { 1, value }
