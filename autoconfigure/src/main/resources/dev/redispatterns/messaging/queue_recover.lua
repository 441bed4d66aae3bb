-- Puts the jobs of a dead consumer back to be processed again, counting the lost attempt: a job whose
-- attempts are used up goes to the dead-letter stream instead. Checks again, atomically, that the consumer
-- is still silent, so a consumer that came back is left alone.
-- KEYS[1] consumers sorted set, KEYS[2] the consumer's processing list, KEYS[3] ready list,
-- KEYS[4] dead-letter stream
-- ARGV[1] consumer, ARGV[2] timeout ms, ARGV[3] max deliveries, ARGV[4] dead-letter max length
-- A job's id field may carry headers after a ';' (the publisher's trace context): kept when the job is put
-- back, left out of the dead-letter entry's source-id.
-- Returns { jobs put back, jobs dead-lettered }, or { -1, 0 } when the consumer is alive
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if seen and now - tonumber(seen) <= tonumber(ARGV[2]) then
  return { -1, 0 }
end
local max = tonumber(ARGV[3])
local moved, dead = 0, 0
while true do
  local job = redis.call('RPOP', KEYS[2])
  if not job then
    break
  end
  local attempts, id, payload = string.match(job, '^q1|(%d+)|([^|]*)|(.*)$')
  if not attempts then
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'payload', job, 'source-id', '', 'deliveries', '0',
      'consumer', ARGV[1], 'error', 'Not a job of this queue')
    dead = dead + 1
  else
    attempts = tonumber(attempts) + 1
    if attempts >= max then
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'payload', payload,
        'source-id', string.match(id, '^[^;]*'), 'deliveries', attempts, 'consumer', ARGV[1], 'error', 'Its consumer died while handling it, ' .. attempts .. ' times')
      dead = dead + 1
    else
      redis.call('RPUSH', KEYS[3], 'q1|' .. attempts .. '|' .. id .. '|' .. payload)
      moved = moved + 1
    end
  end
end
redis.call('ZREM', KEYS[1], ARGV[1])
return { moved, dead }
