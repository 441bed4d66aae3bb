-- Hands a job this consumer holds but will not run back to the consuming end of the ready list.
-- KEYS[1] processing list, KEYS[2] ready list
-- ARGV[1] job
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed > 0 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
return removed
