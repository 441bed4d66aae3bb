-- Releases an exclusive lock only if the caller's token still owns it (compare-and-delete), and hands it
-- to the first live waiter if there is one. Releasing twice, after the lease ran out or after another
-- caller took over is harmless: another holder's lock is never touched.
-- KEYS: see lock_queue.lua
-- ARGV[1] owner token, ARGV[2] release channel, ARGV[3] fencing counter TTL ms
-- Returns 1 when the caller's lock was released, 0 when it was not held by the caller.
-- The uncontended path comes first and uses no helper: the helpers below it are only created (closures,
-- on every run) when a call gets past it.
local current = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. '|'
local owned = current and string.sub(current, 1, #mine) == mine
if owned and string.sub(current, -2) ~= '|q' then
  redis.call('DEL', KEYS[1])
  return 1
end
-- @helpers
if not owned then
  -- also the clean-up of an attempt whose reply was lost: leave the queue if it got in
  leave(ARGV[1])
  return 0
end
-- flagged: waiters may be queued
local time = redis.call('TIME')
local head, lease, claim, more = live_head(now_ms(time))
if head then
  grant(head, lease, claim, more, time, ARGV[3], ARGV[2])
  return 1
end
redis.call('DEL', KEYS[1])
return 1
