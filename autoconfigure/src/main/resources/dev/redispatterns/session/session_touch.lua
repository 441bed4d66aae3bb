-- Pushes an indexed session's expiry forward after a request used it. Never adds a session that is not
-- there: a session revoked while one of its requests was in flight must not come back.
-- KEYS[1] the user's index
-- ARGV[1] storage id, ARGV[2] session timeout ms, ARGV[3] grace ms
local key = KEYS[1]
local ttl, grace = tonumber(ARGV[2]), tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if redis.call('ZADD', key, 'XX', 'GT', 'CH', string.format('%d', now + ttl), ARGV[1]) == 1 then
  if redis.call('PTTL', key) < ttl + grace then
    redis.call('PEXPIRE', key, string.format('%d', ttl + grace))
  end
end
return 1
