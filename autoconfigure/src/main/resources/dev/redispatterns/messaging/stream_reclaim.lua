-- Claims entries idle longer than the reclaim time (their consumer stopped renewing them) and tells how
-- often each was delivered, which XAUTOCLAIM alone does not. Pending entries that no longer exist in the
-- stream (deleted by another client) are dropped from the pending list by XAUTOCLAIM (Redis 7+); each is
-- recorded in the dead-letter stream, without payload, so its loss leaves a trace.
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count,
-- ARGV[6] dead-letter max length
-- Returns { next cursor, { { id, { field, value, ... }, delivery count }, ... }, { deleted id, ... } }
-- XAUTOCLAIM looks at up to ten times COUNT pending entries and drops deleted ones whatever their idle time:
-- their owners and delivery counts are read first, as the dead-letter record wants them
local before = {}
for _, pending in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], '+', tonumber(ARGV[5]) * 10)) do
  before[pending[1]] = pending
end
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local entries = {}
for _, entry in ipairs(claimed[2]) do
  if entry and entry[1] then
    local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
    local deliveries = 1
    if #pending > 0 then
      deliveries = pending[1][4]
    end
    entries[#entries + 1] = { entry[1], entry[2] or {}, deliveries }
  end
end
local deleted = claimed[3] or {}
for _, id in ipairs(deleted) do
  local known = before[id]
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'source-id', id, 'group', ARGV[1],
    'consumer', known and known[2] or '', 'deliveries', known and known[4] or 0,
    'error', 'Entry deleted from the stream before it was acknowledged (by another client); its payload is lost')
end
return { claimed[1], entries, deleted }
