-- Moves a pending entry to the dead-letter stream with the reason and acknowledges it in the source, as
-- one step: either both happen or neither. An entry that is no longer pending (acknowledged, or already
-- dead-lettered by another consumer) is left alone, so calling this twice is harmless. An entry deleted from
-- the stream while its handler ran is no longer pending anywhere: it is recorded from the payload its consumer
-- still holds (ARGV[7] = '1').
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] consumer, ARGV[4] deliveries, ARGV[5] error, ARGV[6] dead-letter max length,
-- ARGV[7] '1' for a deleted entry, ARGV[8] its payload (absent when it had none)
local deleted = ARGV[7] == '1'
local add = { 'XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*' }
if deleted then
  if ARGV[8] then
    add[#add + 1] = 'payload'
    add[#add + 1] = ARGV[8]
  end
else
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
  if #pending == 0 then
    return 0
  end
  local entries = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
  if #entries > 0 then
    for _, value in ipairs(entries[1][2]) do
      add[#add + 1] = value
    end
  end
end
add[#add + 1] = 'source-id'
add[#add + 1] = ARGV[2]
add[#add + 1] = 'group'
add[#add + 1] = ARGV[1]
add[#add + 1] = 'consumer'
add[#add + 1] = ARGV[3]
add[#add + 1] = 'deliveries'
add[#add + 1] = ARGV[4]
add[#add + 1] = 'error'
add[#add + 1] = ARGV[5]
redis.call(unpack(add))
if not deleted then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
end
return 1
