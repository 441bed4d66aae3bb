-- Stores an entry, releases the caller's lease (only its own) and tells waiters and near caches.
-- KEYS[1] entry, KEYS[2] lease (same slot)
-- ARGV[1] entry bytes, ARGV[2] time to live (ms), ARGV[3] lease token or '', ARGV[4] channel, ARGV[5] message
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
