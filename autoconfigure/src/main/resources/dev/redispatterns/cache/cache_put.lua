-- Stores a value the application put: it replaces the entry and voids the loads in flight (their fill
-- ticket and the loading lease go), so none of them can store an older value afterwards.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] entry bytes, ARGV[2] time to live (ms), ARGV[3] channel, ARGV[4] message
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
