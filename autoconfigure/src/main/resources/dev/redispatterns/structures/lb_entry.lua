-- A member's rank and score, read atomically.
-- KEYS[1] the board; ARGV[1] member
-- Returns {} if absent, else {rank (0-based), stored score}
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if not rank then
  return {}
end
return { rank, redis.call('ZSCORE', KEYS[1], ARGV[1]) }
