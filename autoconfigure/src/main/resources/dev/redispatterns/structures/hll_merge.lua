-- Merges HyperLogLogs (for example seven days into a week) and answers the union's estimate. All keys
-- share one hash tag, hence one cluster slot.
-- KEYS[1] target, KEYS[2...] sources
-- ARGV[1] expiry of the target (Unix ms, 0 = none)
redis.call('PFMERGE', KEYS[1], unpack(KEYS, 2))
if ARGV[1] ~= '0' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
end
return redis.call('PFCOUNT', KEYS[1])
