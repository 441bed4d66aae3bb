-- The members around a member, read atomically.
-- KEYS[1] the board; ARGV[1] member, ARGV[2] how many places on each side
-- Returns {} if absent, else {rank of the first entry (0-based), {member, stored score, ...}}
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if not rank then
  return {}
end
local radius = tonumber(ARGV[2])
local first = math.max(0, rank - radius)
return { first, redis.call('ZRANGE', KEYS[1], first, rank + radius, 'WITHSCORES') }
