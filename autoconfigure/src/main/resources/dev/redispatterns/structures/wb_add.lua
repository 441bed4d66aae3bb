-- Adds a delta to a write-behind counter's pending batch.
-- KEYS[1] pending hash
-- ARGV[1] id, ARGV[2] delta, ARGV[3] retention ms: pending deltas nobody flushes expire this long after
-- the last increment
-- Returns the id's pending delta.
local value = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return value
