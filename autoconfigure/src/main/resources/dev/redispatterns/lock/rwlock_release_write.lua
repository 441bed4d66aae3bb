-- Releases the write side of a read-write lock only if the caller's token owns it (compare-and-delete)
-- and wakes the waiters. Also withdraws the caller's writer intent: a writer that waited and then left
-- (interrupted, or its attempt's reply lost) must not keep readers out of a free lock. Releasing twice is
-- harmless.
-- KEYS[1] writer, KEYS[2] waiting marker, KEYS[3] writer intent
-- ARGV[1] owner token, ARGV[2] release channel
-- Returns 1 when released, 0 when not held by the caller.
local mine = ARGV[1] .. '|'
local current = redis.call('GET', KEYS[1])
local held = current and string.sub(current, 1, #mine) == mine
local withdrawn = redis.call('GET', KEYS[3]) == ARGV[1]
if withdrawn then
  redis.call('DEL', KEYS[3])
end
if held then
  redis.call('DEL', KEYS[1])
end
-- readers refused for the intent alone may come in now; while another writer holds, its release wakes them
if (held or (withdrawn and not current)) and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PUBLISH', ARGV[2], '1')
end
if held then
  return 1
end
return 0
