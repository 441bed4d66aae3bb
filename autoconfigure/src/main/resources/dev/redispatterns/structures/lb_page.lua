-- One page and the board's size, read atomically.
-- KEYS[1] the board; ARGV[1] first rank (0-based), ARGV[2] last rank
-- Returns {size, {member, stored score, ...}}
return { redis.call('ZCARD', KEYS[1]), redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES') }
