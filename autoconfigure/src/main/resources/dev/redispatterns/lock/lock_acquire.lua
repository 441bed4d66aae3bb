-- Acquires an exclusive lock in one step: SET NX PX semantics with a unique owner token, plus the next
-- fencing token of the lock name. Idempotent: run again with the same token while the lock is held (a
-- command replayed after a reconnect, a poll after a missed hand-off) it succeeds with the same fencing
-- token and refreshes the lease.
-- KEYS: see lock_queue.lua
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] fencing counter TTL ms,
-- ARGV[4] registration ms: > 0 queue up (or stay queued) when the lock is taken, 0 do not queue,
--         < 0 leave the queue (a waiter giving up), ARGV[5] release channel
-- Returns the fencing token (> 0) when the lock is the caller's, otherwise -1 - (ms the lease still runs).
-- The uncontended path comes first and uses no helper: the helpers below it are only created (closures,
-- on every run) when a call gets past it.
local token, lease, ttl = ARGV[1], ARGV[2], ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local text = string.format('%.0f', now)
-- SET NX GET both takes a free lock and reads a held one; a held lock leaves the counter untouched
local current = redis.call('SET', KEYS[1], token .. '|' .. text, 'NX', 'PX', lease, 'GET')
if not current then
  -- one SET ... GET issues the fence and reads the last one and the queue flag
  local last = redis.call('SET', KEYS[2], text, 'PX', ttl, 'GET')
  if not (last and string.sub(last, -2) == '|q') then
    local last_fence = last and tonumber(last)
    if last_fence and last_fence >= now then
      local fence = last_fence + 1
      text = string.format('%.0f', fence)
      redis.call('SET', KEYS[2], text, 'PX', ttl)
      redis.call('SET', KEYS[1], token .. '|' .. text, 'PX', lease)
      return fence
    end
    return now
  end
  -- free, but waiters are queued: undone, the queue decides below
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], last, 'PX', ttl)
end
-- @helpers
local registration = tonumber(ARGV[4])
local mine = token .. '|'

if current then
  if owned_by(current, mine) then
    redis.call('PEXPIRE', KEYS[1], lease)
    return fence_of(current)
  end
  if registration > 0 then
    enqueue(token, lease, registration, time)
    mark_queued(ttl, registration, current)
  elseif registration < 0 then
    leave(token)
  end
  return -1 - math.max(redis.call('PTTL', KEYS[1]), 0)
end

-- the lock is free, but waiters are queued: the queue decides who gets it
local head, head_lease, claim, more = live_head(now_ms(time))
if not head or head == token then
  if head then
    leave(token)
  end
  local fence = issue_fence(time, ttl, more)
  redis.call('SET', KEYS[1], mine .. fence .. (more and QUEUED or ''), 'PX', lease)
  return tonumber(fence)
end
-- an earlier waiter is first in line (its holder's lease ran out instead of being released)
grant(head, head_lease, claim, more, time, ttl, ARGV[5])
if registration > 0 then
  enqueue(token, lease, registration, time)
  mark_queued(ttl, registration)
elseif registration < 0 then
  leave(token)
end
return -1 - math.max(redis.call('PTTL', KEYS[1]), 0)
