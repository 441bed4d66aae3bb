-- The exclusive lock's values and FIFO queue of waiters, shared by lock_acquire.lua and lock_release.lua.
-- KEYS[1] lock: "<token>|<fence>" with the lease as TTL, "<token>|<fence>|q" while waiters may be queued
-- KEYS[2] fencing counter: "<last fence>", "<last fence>|q" while waiters may be queued
-- KEYS[3] queue: sorted set of waiting tokens, scored by arrival (server microseconds)
-- KEYS[4] waiters: hash token -> "<registration deadline ms>|<lease ms>|<claim ms>"
-- The "|q" flags let the uncontended acquire and release skip the queue without looking at it; a flag
-- may outlive its queue (the next caller on the slow path clears it), a queue never lacks its flags.

local QUEUED = '|q'

local function flagged(value)
  -- (Redis hands a missing value to Lua as false)
  return value and string.sub(value, -2) == QUEUED or false
end

local function owned_by(value, mine)
  return value and string.sub(value, 1, #mine) == mine or false
end

-- The fence of a lock value (the digits after the token).
local function fence_of(value)
  return tonumber(string.match(value, '^[^|]*|(%d+)'))
end

-- The next fencing token (see next_fence), written to the counter together with the queue flag.
local function issue_fence(time, ttl, queued)
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local suffix = queued and QUEUED or ''
  local last = redis.call('SET', KEYS[2], digits(now) .. suffix, 'PX', ttl, 'GET')
  local last_fence = last and tonumber(string.match(last, '^(%d+)'))
  if last_fence and last_fence >= now then
    now = last_fence + 1
    redis.call('SET', KEYS[2], digits(now) .. suffix, 'PX', ttl)
  end
  return digits(now)
end

-- Sets the queue flag on the lock value (if held; current is that value when the caller read it already) and
-- on the counter, after a waiter queued up. The counter outlives the waiter's registration, so a queue is
-- never left without its flag (the flag stops the uncontended acquire from taking a lock waiters are due).
-- GET and keep_alive rather than one GETEX: the documented least-privilege user (docs/security.md) has no GETEX.
local function mark_queued(ttl, registration, current)
  current = current or redis.call('GET', KEYS[1])
  if current and not flagged(current) then
    redis.call('SET', KEYS[1], current .. QUEUED, 'KEEPTTL')
  end
  local counter = redis.call('GET', KEYS[2])
  if not flagged(counter) then
    redis.call('SET', KEYS[2], (counter or '0') .. QUEUED, 'PX', ttl)
  end
  keep_alive(KEYS[2], registration)
end

-- The first waiter whose registration is still alive, and whether others may be queued behind it;
-- registrations that ran out (a waiter that died or lost its connection) are dropped on the way.
local function live_head(now)
  while true do
    local first = redis.call('ZRANGE', KEYS[3], 0, 1)
    local head = first[1]
    if not head then
      return nil
    end
    local entry = redis.call('HGET', KEYS[4], head)
    if entry then
      local deadline, lease, claim = string.match(entry, '^(%d+)|(%d+)|(%d+)$')
      if deadline and tonumber(deadline) > now then
        return head, tonumber(lease), tonumber(claim), first[2] ~= nil
      end
    end
    redis.call('ZREM', KEYS[3], head)
    redis.call('HDEL', KEYS[4], head)
  end
end

local function leave(token)
  redis.call('ZREM', KEYS[3], token)
  redis.call('HDEL', KEYS[4], token)
end

-- Hands the lock straight to the first waiter and tells it on the release channel: no race among the
-- waiters and no extra round trip for the new holder. The lease starts at the waiter's claim time when
-- that is shorter, so a waiter that died meanwhile blocks the lock only briefly; the new holder extends it.
-- A token "<instance>~<sequence>" names its instance, which waits on "<channel>:<instance>": only that
-- instance is woken, not every one waiting for the lock. Other tokens are told on the channel itself.
local function grant(head, lease, claim, more, time, fence_ttl, channel)
  local value = head .. '|' .. issue_fence(time, fence_ttl, more)
  redis.call('SET', KEYS[1], more and (value .. QUEUED) or value, 'PX', math.min(lease, claim))
  leave(head)
  local instance = string.match(head, '^(%x+)~')
  redis.call('PUBLISH', instance and (channel .. ':' .. instance) or channel, value)
end

-- Keeps the queue or the waiters hash alive for a registration. Extended to twice that when it would run
-- out sooner, so the waiters that queue up (or stay queued) within the next registration read its life
-- (PTTL) and leave it alone: without the headroom every fair hand-off paid two PEXPIREs.
local function keep_queue_alive(key, registration)
  if redis.call('PTTL', key) < registration then
    redis.call('PEXPIRE', key, 2 * registration)
  end
end

local function enqueue(token, lease, registration, time)
  local now = now_ms(time)
  redis.call('ZADD', KEYS[3], 'NX', digits(tonumber(time[1]) * 1000000 + tonumber(time[2])), token)
  redis.call('HSET', KEYS[4], token, digits(now + registration) .. '|' .. lease .. '|' .. registration)
  keep_queue_alive(KEYS[3], registration)
  keep_queue_alive(KEYS[4], registration)
end

