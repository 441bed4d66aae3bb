-- Extends a load's lease (if still held by the caller) and its fill ticket (if still the key's) while it
-- runs, so a long load neither loses its lease nor its right to store.
-- KEYS[1] lease, KEYS[2] fill ticket (same slot)
-- ARGV[1] lease token or '', ARGV[2] the load's ticket, ARGV[3] lifetime (ms)
-- Returns 1 when the lease is still held, else 0.
if redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 0
