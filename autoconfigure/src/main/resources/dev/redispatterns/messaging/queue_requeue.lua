-- Puts back a job found in this consumer's processing list that none of its handlers took: Redis moved it
-- there for a BLMOVE whose reply was lost (the connection broke). Like a stream entry handed out while the
-- connection broke, it counts as an attempt; a job whose attempts are used up goes to the dead-letter stream.
-- KEYS[1] processing list, KEYS[2] ready list, KEYS[3] dead-letter stream
-- ARGV[1] job as stored, ARGV[2] max deliveries, ARGV[3] dead-letter max length, ARGV[4] consumer
-- A job's id field may carry headers after a ';' (the publisher's trace context): kept when the job is put
-- back, left out of the dead-letter entry's source-id.
-- Returns 0 when the job was gone, 1 when put back, 2 when dead-lettered
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 0
end
local attempts, id, payload = string.match(ARGV[1], '^q1|(%d+)|([^|]*)|(.*)$')
if not attempts then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'payload', ARGV[1], 'source-id', '', 'deliveries', '0',
    'consumer', ARGV[4], 'error', 'Not a job of this queue')
  return 2
end
attempts = tonumber(attempts) + 1
if attempts >= tonumber(ARGV[2]) then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'payload', payload,
    'source-id', string.match(id, '^[^;]*'), 'deliveries', attempts, 'consumer', ARGV[4], 'error', 'Handed to its consumer while the connection broke, ' .. attempts .. ' times')
  return 2
end
redis.call('RPUSH', KEYS[2], 'q1|' .. attempts .. '|' .. id .. '|' .. payload)
return 1
