-- Adds a job, ready now or delayed until a due time taken from Redis time, unless the queue is full.
-- Idempotent: a hash next to the queue marks recently added job ids, so the same call run again (a client
-- re-sending it after the connection dropped with the reply) adds nothing, even if the job was handled since. A
-- sorted set scores each job id by the time it may be forgotten; every call forgets a bounded batch of those
-- due. Both live for the window after the last push and move with the queue's slot during a migration.
-- KEYS[1] ready list, KEYS[2] delayed sorted set, KEYS[3] pushed job ids hash, KEYS[4] pushed job ids by expiry
-- (sorted set), all in one slot
-- ARGV[1] job, ARGV[2] max jobs (0: unbounded), ARGV[3] 'now' | 'in' | 'at', ARGV[4] delay ms or due epoch ms,
-- ARGV[5] ms the job id is remembered, ARGV[6] job id
-- Returns -1 when full, 0 when ready (or added before), otherwise the ms until the job is due
local pushed, expiry = KEYS[3], KEYS[4]
local max, window, jobId = tonumber(ARGV[2]), tonumber(ARGV[5]), ARGV[6]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- at most 100 forgotten per call: each call adds one, so the bookkeeping stays near rate x window
local forgotten = redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, 100)
if #forgotten > 0 then
  redis.call('HDEL', pushed, unpack(forgotten))
  redis.call('ZREM', expiry, unpack(forgotten))
end
if redis.call('HGET', pushed, jobId) then
  return 0
end
if max > 0 and redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= max then
  return -1
end
redis.call('HSET', pushed, jobId, '1')
redis.call('ZADD', expiry, now + window, jobId)
redis.call('PEXPIRE', pushed, window)
redis.call('PEXPIRE', expiry, window)
if ARGV[3] == 'now' then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  return 0
end
local due = tonumber(ARGV[4])
if ARGV[3] == 'in' then
  due = now + due
end
if due <= now then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[2], due, ARGV[1])
return due - now
