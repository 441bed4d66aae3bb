-- Removes an entry, voids the loads in flight (their fill ticket and the loading lease go) and tells every
-- instance to drop its near-cache copy.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] channel, ARGV[2] message
local removed = redis.call('UNLINK', KEYS[1])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return removed
