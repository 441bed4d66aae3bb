-- Stores an entry unless one exists; returns the existing entry, or false after storing. Storing voids the
-- loads in flight, as a put does.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] entry bytes, ARGV[2] time to live (ms), ARGV[3] channel, ARGV[4] message
local existing = redis.call('GET', KEYS[1])
if existing then
  return existing
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return false
