-- Records that a consumer is alive, with Redis time, in the queue's consumer registry.
-- KEYS[1] consumers sorted set
-- ARGV[1] consumer
local time = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), ARGV[1])
return 1
