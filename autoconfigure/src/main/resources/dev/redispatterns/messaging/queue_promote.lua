-- Moves delayed jobs whose due time (by Redis time) has come to the consuming end of the ready list.
-- KEYS[1] delayed sorted set, KEYS[2] ready list
-- ARGV[1] most jobs to move
-- Returns { jobs moved, ms until the next delayed job is due or -1 when there is none }
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
-- the consumer takes from the right: push the earliest due last so it is taken first
for i = #due, 1, -1 do
  redis.call('RPUSH', KEYS[2], due[i])
  redis.call('ZREM', KEYS[1], due[i])
end
local following = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = -1
if #following > 0 then
  wait = math.max(0, tonumber(following[2]) - now)
end
return { #due, wait }
