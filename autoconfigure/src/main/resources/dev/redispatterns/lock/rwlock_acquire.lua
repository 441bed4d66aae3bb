-- Acquires the read or the write side of a read-write lock, with the next fencing token of its name.
-- Many readers or one writer; a waiting writer stops new readers (writer preference), so a steady stream
-- of readers cannot starve writers. Idempotent for the same token while held.
-- KEYS[1] writer: "<token>|<fence>" with the lease as TTL
-- KEYS[2] fencing counter
-- KEYS[3] readers: sorted set token -> lease deadline (server ms)
-- KEYS[4] readers' fencing tokens: hash token -> fence
-- KEYS[5] waiting marker: releases publish only while it exists
-- KEYS[6] writer intent: token of the writer waiting for the readers to leave
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] fencing counter TTL ms,
-- ARGV[4] waiting ms: > 0 the caller will wait that long at most before trying again, < 0 it gives up,
-- ARGV[5] release channel (woken when a writer's intent is withdrawn), ARGV[6] 'read' or 'write'
-- Returns the fencing token (> 0), otherwise -1 - (ms until the blocking lease runs out).
local token, lease, wait = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local mine = token .. '|'
local time = redis.call('TIME')
local now = now_ms(time)
local writer = redis.call('GET', KEYS[1])

if ARGV[6] == 'write' then
  if writer and string.sub(writer, 1, #mine) == mine then
    redis.call('PEXPIRE', KEYS[1], lease)
    return tonumber(string.sub(writer, #mine + 1))
  end
  local intent = redis.call('GET', KEYS[6])
  -- a writer that gives up withdraws its intent whoever holds the lock now, or it keeps readers out
  local leaving = wait < 0 and intent == token
  if leaving then
    redis.call('DEL', KEYS[6])
  end
  if writer then
    return waiting(KEYS[5], wait, redis.call('PTTL', KEYS[1]))
  end
  prune(KEYS[3], KEYS[4], now)
  local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  if last[1] then
    if wait > 0 and (not intent or intent == token) then
      redis.call('SET', KEYS[6], token, 'PX', wait)
    elseif leaving and redis.call('EXISTS', KEYS[5]) == 1 then
      -- readers refused for the intent alone may come in now
      redis.call('PUBLISH', ARGV[5], '1')
    end
    return waiting(KEYS[5], wait, tonumber(last[2]) - now)
  end
  if intent == token then
    redis.call('DEL', KEYS[6])
  end
  local fence = next_fence(KEYS[2], ARGV[3], time)
  redis.call('SET', KEYS[1], mine .. fence, 'PX', lease)
  return tonumber(fence)
end

local expiry = redis.call('ZSCORE', KEYS[3], token)
if expiry and tonumber(expiry) > now then
  redis.call('ZADD', KEYS[3], 'XX', digits(now + lease), token)
  keep_alive(KEYS[3], lease)
  keep_alive(KEYS[4], lease)
  return tonumber(redis.call('HGET', KEYS[4], token))
end
if writer then
  return waiting(KEYS[5], wait, redis.call('PTTL', KEYS[1]))
end
local intent = redis.call('PTTL', KEYS[6])
if intent > 0 then
  return waiting(KEYS[5], wait, intent)
end
prune(KEYS[3], KEYS[4], now)
local fence = next_fence(KEYS[2], ARGV[3], time)
redis.call('ZADD', KEYS[3], digits(now + lease), token)
redis.call('HSET', KEYS[4], token, fence)
keep_alive(KEYS[3], lease)
keep_alive(KEYS[4], lease)
return tonumber(fence)
