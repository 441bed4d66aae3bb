-- Extends the lease of a lock (exclusive or write) only if the caller's token still owns it
-- (compare-and-PEXPIRE). Returns 1 when extended, 0 when the lock is no longer the caller's.
-- KEYS[1] lock: "<token>|<fence>"
-- ARGV[1] owner token, ARGV[2] lease ms
local mine = ARGV[1] .. '|'
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, #mine) == mine then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
