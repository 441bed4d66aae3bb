-- Claims the next batch of a write-behind counter for this flusher. Only one batch is in flight at a time:
-- a batch that was not acknowledged (its sink failed, or its flusher died) is handed out again, under the
-- same id, once its lease has run out; otherwise the pending deltas become the new batch by RENAME, so
-- increments arriving meanwhile start a fresh pending hash and are never lost or counted twice.
-- KEYS[1] pending hash, KEYS[2] in-flight hash, KEYS[3] batch state hash (id, owner, lease end, attempt)
-- ARGV[1] id for a new batch, ARGV[2] flusher id, ARGV[3] lease ms, ARGV[4] retention ms
-- Returns {'empty'}, {'busy'} or {'batch', id, attempt, {id, delta, ...}}
local pending, inflight, batch = KEYS[1], KEYS[2], KEYS[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local leaseEnd = string.format('%d', now + tonumber(ARGV[3]))
if redis.call('EXISTS', inflight) == 1 then
  local owner = redis.call('HGET', batch, 'owner')
  local leaseUntil = tonumber(redis.call('HGET', batch, 'until') or '0')
  if leaseUntil > now and owner ~= ARGV[2] then
    return { 'busy' }
  end
  local id = redis.call('HGET', batch, 'id') or ARGV[1]
  local attempt = redis.call('HINCRBY', batch, 'attempt', 1)
  redis.call('HSET', batch, 'id', id, 'owner', ARGV[2], 'until', leaseEnd)
  redis.call('PEXPIRE', batch, ARGV[4])
  redis.call('PEXPIRE', inflight, ARGV[4])
  return { 'batch', id, attempt, redis.call('HGETALL', inflight) }
end
if redis.call('EXISTS', pending) == 0 then
  return { 'empty' }
end
redis.call('RENAME', pending, inflight)
redis.call('DEL', batch)
redis.call('HSET', batch, 'id', ARGV[1], 'owner', ARGV[2], 'until', leaseEnd, 'attempt', 1)
redis.call('PEXPIRE', batch, ARGV[4])
redis.call('PEXPIRE', inflight, ARGV[4])
return { 'batch', ARGV[1], 1, redis.call('HGETALL', inflight) }
