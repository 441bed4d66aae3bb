-- Removes consumers that own no pending entries: this consumer itself when it stops, and consumers idle
-- longer than the stale timeout (left by instances that are gone). A consumer that still owns entries is
-- never removed, as that would make its entries unclaimable.
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] stale idle ms (0: remove no other consumer), ARGV[3] this consumer ('' for none)
local stale = tonumber(ARGV[2])
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    local field = consumer[i]
    if field == 'name' then
      name = consumer[i + 1]
    elseif field == 'pending' then
      pending = consumer[i + 1]
    elseif field == 'idle' then
      idle = consumer[i + 1]
    end
  end
  if pending == 0 and ((name == ARGV[3]) or (stale > 0 and idle > stale)) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed = removed + 1
  end
end
return removed
