-- Live sessions of a user other than the given one.
-- KEYS[1] the user's index
-- ARGV[1] storage id to leave out
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local live = redis.call('ZCOUNT', KEYS[1], now, '+inf')
local own = redis.call('ZSCORE', KEYS[1], ARGV[1])
if own and tonumber(own) >= now then
  live = live - 1
end
return live
