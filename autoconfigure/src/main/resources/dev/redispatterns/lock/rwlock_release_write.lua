-- Releases the write side of a read-write lock only if the caller's token owns it (compare-and-delete)
-- and wakes the waiters. Releasing twice is harmless.
-- KEYS[1] writer, KEYS[2] waiting marker
-- ARGV[1] owner token, ARGV[2] release channel
-- Returns 1 when released, 0 when not held by the caller.
local mine = ARGV[1] .. '|'
local current = redis.call('GET', KEYS[1])
if not current or string.sub(current, 1, #mine) ~= mine then
  return 0
end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PUBLISH', ARGV[2], '1')
end
return 1
