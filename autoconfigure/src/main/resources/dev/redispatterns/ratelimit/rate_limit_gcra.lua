-- GCRA, the generic cell rate algorithm (as in redis-cell): one key holding the theoretical arrival time
-- (TAT) in Redis TIME microseconds. Each permit moves the TAT forward by the emission interval
-- window / limit; a request is allowed while the TAT stays at most one window ahead of now, which allows
-- bursts of up to `limit` and then one permit per interval. A caller that may wait reserves permits
-- further ahead (up to its wait past the window): the TAT is a queue, so later callers line up behind it.
-- KEYS[1] TAT
-- ARGV[1] permits (a negative value moves the TAT back), ARGV[2] limit, ARGV[3] window in ms,
-- ARGV[4] unused, ARGV[5] longest wait in ms (0: now or never)
-- Reply: {allowed, remaining, reset ms, retry-after ms (-1: never), 0, wait ms}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local permits = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3]) * 1000
local maxWait = (tonumber(ARGV[5]) or 0) * 1000
local interval = window / limit
-- absorbs the rounding of fractional intervals (microseconds)
local epsilon = 0.001
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = now
if stored ~= nil and stored > now then
  tat = stored
end

-- permits a request would get now: the same tolerance as the decision below, so room shown is room given
local function remaining(ahead)
  return math.max(0, math.floor((window + epsilon - ahead) / interval + 1e-9))
end

local function ms(micros)
  return math.max(0, math.ceil(micros / 1000 - epsilon))
end

if permits < 0 then
  if stored ~= nil then
    tat = math.max(now, tat + permits * interval)
    if tat > now then
      redis.call('SET', KEYS[1], tat, 'PX', ms(tat - now) + 1)
    else
      redis.call('DEL', KEYS[1])
    end
  end
  return {1, remaining(tat - now), ms(tat - now), 0, 0, 0}
end

local next = tat + permits * interval
local ahead = next - now
-- a reservation is only possible for permits that fit in a window at all
if ahead <= window + epsilon or (permits <= limit and ahead <= window + maxWait + epsilon) then
  redis.call('SET', KEYS[1], next, 'PX', ms(ahead) + 1)
  return {1, remaining(ahead), ms(ahead), 0, 0, ms(ahead - window)}
end

-- Rejected: nothing is written.
local retry = -1
if permits <= limit then
  retry = math.max(1, ms(ahead - window))
end
return {0, remaining(tat - now), ms(tat - now), retry, 0, 0}
