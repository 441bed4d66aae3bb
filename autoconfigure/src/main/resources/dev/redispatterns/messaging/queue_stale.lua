-- Lists consumers whose last heartbeat (by Redis time) is older than the timeout.
-- KEYS[1] consumers sorted set
-- ARGV[1] timeout ms, ARGV[2] most consumers to return
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - tonumber(ARGV[1])), 'LIMIT', 0,
  tonumber(ARGV[2]))
