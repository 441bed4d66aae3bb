-- Creates a consumer group (and the stream, MKSTREAM) unless it exists. A group starting at the end of an
-- existing stream is told the stream's entries-added counter (ENTRIESREAD, Redis 7+), so that Redis can tell
-- its lag from the start: back-pressure then counts exactly what the group has not read.
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] '0' (earliest) or '$' (latest)
-- Returns 1 when created, 0 when the group existed
local create = { 'XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM' }
if ARGV[2] == '$' and redis.REDIS_VERSION_NUM and redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'entries-added' then
      create[#create + 1] = 'ENTRIESREAD'
      create[#create + 1] = info[i + 1]
    end
  end
end
local created = redis.pcall(unpack(create))
if type(created) == 'table' and created.err then
  if string.find(created.err, 'BUSYGROUP', 1, true) then
    return 0
  end
  return redis.error_reply(created.err)
end
return 1
