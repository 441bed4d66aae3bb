-- Removes a stopping consumer from the registry, unless its processing list still holds jobs: those are
-- then recovered by the live consumers once its heartbeat is old enough.
-- KEYS[1] consumers sorted set, KEYS[2] the consumer's processing list
-- ARGV[1] consumer
if redis.call('LLEN', KEYS[2]) > 0 then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
