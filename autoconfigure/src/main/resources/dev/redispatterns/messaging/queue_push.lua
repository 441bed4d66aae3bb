-- Adds a job, ready now or delayed until a due time taken from Redis time, unless the queue is full.
-- Idempotent: the job's marker key remembers that it was added, so the same call run again (a client
-- re-sending it after the connection dropped with the reply) adds nothing, even if the job was handled since.
-- KEYS[1] ready list, KEYS[2] delayed sorted set, KEYS[3] the job's marker key (same slot)
-- ARGV[1] job, ARGV[2] max jobs (0: unbounded), ARGV[3] 'now' | 'in' | 'at', ARGV[4] delay ms or due epoch ms,
-- ARGV[5] ms the marker is kept
-- Returns -1 when full, 0 when ready (or added before), otherwise the ms until the job is due
local max = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
if max > 0 and redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= max then
  return -1
end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
if ARGV[3] == 'now' then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
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
