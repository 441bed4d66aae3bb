-- After a failed attempt: takes the job out of the consumer's processing list and either schedules the
-- next attempt after a delay (by Redis time) or moves it to the dead-letter stream, as one step. A job no
-- longer in the processing list (recovered meanwhile by another consumer) is left alone.
-- KEYS[1] processing list, KEYS[2] delayed sorted set, KEYS[3] dead-letter stream
-- ARGV[1] job as taken, ARGV[2] job for the next attempt, ARGV[3] delay ms, ARGV[4] '1' to dead-letter,
-- ARGV[5] job id, ARGV[6] deliveries, ARGV[7] error, ARGV[8] dead-letter max length, ARGV[9] payload,
-- ARGV[10] consumer
-- Returns 0 when the job was gone, 1 when retried, 2 when dead-lettered
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 0
end
if ARGV[4] == '1' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'payload', ARGV[9], 'source-id', ARGV[5], 'deliveries',
    ARGV[6], 'consumer', ARGV[10], 'error', ARGV[7])
  return 2
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
return 1
