-- Non-fair mode: hands an exclusive lock from its holder straight to another caller of the same
-- instance, with a new fencing token, in one step (no release, no wake-up through Redis). When the
-- instance has passed it on locally long enough (ARGV[6] = '1') and another instance's waiter is queued,
-- the lock goes to that waiter instead, as on a release. Only the owner's token can pass it.
-- KEYS: see lock_queue.lua
-- ARGV[1] holder's token, ARGV[2] new holder's token, ARGV[3] new holder's lease ms,
-- ARGV[4] fencing counter TTL ms, ARGV[5] release channel, ARGV[6] '1' when queued waiters go first
-- Returns the new holder's fencing token (> 0), 0 when a queued waiter got the lock, -1 when the lock
-- was not the holder's any more.
local current = redis.call('GET', KEYS[1])
if not owned_by(current, ARGV[1] .. '|') then
  leave(ARGV[1])
  return -1
end
local queued = flagged(current)
local time = redis.call('TIME')
if queued and ARGV[6] == '1' then
  local head, lease, claim, more = live_head(now_ms(time))
  if head then
    grant(head, lease, claim, more, time, ARGV[4], ARGV[5])
    return 0
  end
  queued = false
end
local fence = issue_fence(time, ARGV[4], queued)
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. fence .. (queued and QUEUED or ''), 'PX', ARGV[3])
return tonumber(fence)
