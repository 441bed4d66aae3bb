-- Binds a session to its user's index: a sorted set of the user's session storage ids, scored by the
-- time (ms, Redis clock) each session expires unless used again. Enforces the concurrent-session limit
-- atomically, so simultaneous sign-ins on many instances cannot exceed it.
-- KEYS[1] the user's index
-- ARGV[1] storage id to bind, ARGV[2] storage id it replaces ('' for none), ARGV[3] session timeout ms,
-- ARGV[4] most live sessions (0 = no limit), ARGV[5] 'evict' or 'refuse', ARGV[6] grace ms
-- Returns {1, evicted ids...} when bound, {0} when refused.
local key = KEYS[1]
local member, previous = ARGV[1], ARGV[2]
local ttl, max, grace = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local function remove(ids, from, to)
  for i = from, to, 1000 do
    redis.call('ZREM', key, unpack(ids, i, math.min(i + 999, to)))
  end
end

if previous ~= '' then
  redis.call('ZREM', key, previous)
end
-- Expired sessions do not count, but stay listed for a grace period: if a refresh was missed, a live
-- session must still be found by "sign out everywhere".
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', now - grace))
local result = { 1 }
if max > 0 and not redis.call('ZSCORE', key, member) then
  local live = redis.call('ZCOUNT', key, now, '+inf')
  if live >= max then
    if ARGV[5] == 'refuse' then
      return { 0 }
    end
    local victims = redis.call('ZRANGEBYSCORE', key, now, '+inf', 'LIMIT', 0, live - max + 1)
    remove(victims, 1, #victims)
    for i = 1, #victims do
      result[#result + 1] = victims[i]
    end
  end
end
redis.call('ZADD', key, string.format('%d', now + ttl), member)
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', key, string.format('%d', tonumber(last[2]) + grace))
return result
