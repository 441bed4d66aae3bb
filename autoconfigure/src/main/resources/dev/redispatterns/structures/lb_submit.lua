-- Writes a score and answers the member's place, in one round trip. Scores are stored so that ascending
-- order is leaderboard order (negated when higher is better): ties then fall in ascending member order,
-- and ZRANK is the rank.
-- KEYS[1] the board
-- ARGV[1] 'set', 'incr' or 'best', ARGV[2] stored score or increment, ARGV[3] member,
-- ARGV[4] expiry (Unix ms, 0 = none), ARGV[5] most members kept (0 = all)
-- Returns {changed, rank (0-based, -1 if trimmed), stored score or nil}
local key, mode, member = KEYS[1], ARGV[1], ARGV[3]
local changed = 1
if mode == 'incr' then
  redis.call('ZINCRBY', key, ARGV[2], member)
elseif mode == 'best' then
  -- Lower stored scores are better in both orders, so keep-best is ZADD LT.
  changed = redis.call('ZADD', key, 'LT', 'CH', ARGV[2], member)
else
  redis.call('ZADD', key, ARGV[2], member)
end
if ARGV[4] ~= '0' then
  redis.call('PEXPIREAT', key, ARGV[4])
end
if ARGV[5] ~= '0' then
  redis.call('ZREMRANGEBYRANK', key, ARGV[5], -1)
end
local rank = redis.call('ZRANK', key, member)
if not rank then
  return { changed, -1 }
end
return { changed, rank, redis.call('ZSCORE', key, member) }
