-- Removes an entry and tells every instance to drop its near-cache copy.
-- KEYS[1] entry
-- ARGV[1] channel, ARGV[2] message
local removed = redis.call('UNLINK', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return removed
