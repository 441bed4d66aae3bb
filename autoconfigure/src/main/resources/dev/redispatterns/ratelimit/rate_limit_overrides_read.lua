#!lua flags=no-writes
-- Reads every rate-limit override with the time Redis has now, so a reader can turn expiry times into
-- its own deadlines without trusting its clock.
-- KEYS[1] overrides hash
-- Reply: {now ms, version ('' when there are none), field, value, field, value, ...}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reply = { now, redis.call('HGET', KEYS[1], '~v') or '' }
local state = redis.call('HGETALL', KEYS[1])
for i = 1, #state, 2 do
  if state[i] ~= '~v' then
    reply[#reply + 1] = state[i]
    reply[#reply + 1] = state[i + 1]
  end
end
return reply
