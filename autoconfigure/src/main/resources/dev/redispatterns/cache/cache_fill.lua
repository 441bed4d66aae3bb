-- Stores a loaded value, unless the key was written, evicted or cleared, or filled by another load,
-- since this load began: then its fill ticket is gone or replaced and the value is refused. Releases the
-- caller's lease either way (only its own) and, when stored, tells waiters and near caches.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] entry bytes, ARGV[2] time to live (ms), ARGV[3] lease token or '', ARGV[4] the load's ticket,
-- ARGV[5] channel, ARGV[6] message
-- Returns 1 when stored, 0 when refused.
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
if redis.call('GET', KEYS[3]) ~= ARGV[4] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
