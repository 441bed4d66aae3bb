-- The FIFO queue of an exclusive lock's waiters, shared by lock_acquire.lua and lock_release.lua.
-- KEYS[1] lock: "<token>|<fence>" with the lease as TTL
-- KEYS[2] fencing counter
-- KEYS[3] queue: sorted set of waiting tokens, scored by arrival (server microseconds)
-- KEYS[4] waiters: hash token -> "<registration deadline ms>|<lease ms>|<claim ms>"

-- The first waiter whose registration is still alive; registrations that ran out (a waiter that died
-- or lost its connection) are dropped on the way.
local function live_head(now)
  while true do
    local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if not head then
      return nil
    end
    local entry = redis.call('HGET', KEYS[4], head)
    if entry then
      local deadline, lease, claim = string.match(entry, '^(%d+)|(%d+)|(%d+)$')
      if deadline and tonumber(deadline) > now then
        return head, tonumber(lease), tonumber(claim)
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
local function grant(head, lease, claim, time, fence_ttl, channel)
  local value = head .. '|' .. next_fence(KEYS[2], fence_ttl, time)
  redis.call('SET', KEYS[1], value, 'PX', math.min(lease, claim))
  leave(head)
  redis.call('PUBLISH', channel, value)
end

local function enqueue(token, lease, registration, time)
  local now = now_ms(time)
  redis.call('ZADD', KEYS[3], 'NX', digits(tonumber(time[1]) * 1000000 + tonumber(time[2])), token)
  redis.call('HSET', KEYS[4], token, digits(now + registration) .. '|' .. lease .. '|' .. registration)
  keep_alive(KEYS[3], registration)
  keep_alive(KEYS[4], registration)
end

