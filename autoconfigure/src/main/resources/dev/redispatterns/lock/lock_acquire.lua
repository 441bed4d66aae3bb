-- Acquires an exclusive lock in one step: SET NX PX semantics with a unique owner token, plus the next
-- fencing token of the lock name. Idempotent: run again with the same token while the lock is held (a
-- command replayed after a reconnect, a poll after a missed hand-off) it succeeds with the same fencing
-- token and refreshes the lease.
-- KEYS: see lock_queue.lua
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] fencing counter TTL ms,
-- ARGV[4] registration ms: > 0 queue up (or stay queued) when the lock is taken, 0 do not queue,
--         < 0 leave the queue (a waiter giving up), ARGV[5] release channel
-- Returns the fencing token (> 0) when the lock is the caller's, otherwise -1 - (ms the lease still runs).
local token, lease, registration = ARGV[1], ARGV[2], tonumber(ARGV[4])
local mine = token .. '|'
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, #mine) == mine then
  redis.call('PEXPIRE', KEYS[1], lease)
  return tonumber(string.sub(current, #mine + 1))
end
local time = redis.call('TIME')
if not current then
  local head, head_lease, claim
  if redis.call('EXISTS', KEYS[3]) == 1 then
    head, head_lease, claim = live_head(now_ms(time))
  end
  if not head or head == token then
    if head then
      leave(token)
    end
    local fence = next_fence(KEYS[2], ARGV[3], time)
    redis.call('SET', KEYS[1], mine .. fence, 'PX', lease)
    return tonumber(fence)
  end
  -- free, but an earlier waiter is first in line (its holder's lease ran out instead of being released)
  grant(head, head_lease, claim, time, ARGV[3], ARGV[5])
end
if registration > 0 then
  enqueue(token, lease, registration, time)
elseif registration < 0 then
  leave(token)
end
return -1 - math.max(redis.call('PTTL', KEYS[1]), 0)
