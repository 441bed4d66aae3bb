-- Extends a lease while its holder is still loading, if still held by the caller.
-- KEYS[1] lease
-- ARGV[1] lease token, ARGV[2] lease lifetime (ms)
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
