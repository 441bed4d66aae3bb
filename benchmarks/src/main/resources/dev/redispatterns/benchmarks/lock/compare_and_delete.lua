-- Floor of the lock benchmarks: release only when the caller still owns the lock.
-- KEYS[1] lock key, ARGV[1] owner token. Returns 1 when deleted, 0 when someone else holds it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
