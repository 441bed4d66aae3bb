-- Resets the idle time of entries still owned by this consumer without counting a delivery: with idle 0 it
-- renews the consumer's lease on entries it is working on; with a large idle it hands unstarted entries
-- back, so live consumers reclaim them at once. An owned entry that no longer exists in the stream (deleted by
-- another client) is dropped from the pending list by XCLAIM (Redis 7+) and reported.
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] idle ms to set, ARGV[4..] entry ids
-- Returns the ids that were deleted from the stream
local vanished = {}
for i = 4, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #pending > 0 and pending[1][2] == ARGV[2] then
    local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
    if #claimed == 0 then
      vanished[#vanished + 1] = ARGV[i]
    end
  end
end
return vanished
