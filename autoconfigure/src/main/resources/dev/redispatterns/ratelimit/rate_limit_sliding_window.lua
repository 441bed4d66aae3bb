-- Sliding window, the weighted two-window counter: the permits of the previous window count with the
-- share of it that still overlaps the sliding window. Constant memory: one hash per key
-- {w = current window index, c = permits in it, p = permits in the previous window}, windows aligned
-- on Redis TIME. Keeping both counters in one key keeps the script to one key, hence one slot.
-- KEYS[1] bucket
-- ARGV[1] permits (a negative value refunds a grant made in window ARGV[4])
-- ARGV[2] limit, ARGV[3] window in ms, ARGV[4] window index of the grant to refund
-- Reply: {allowed, remaining, reset ms, retry-after ms (-1: never), window index}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local permits = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local index = math.floor(now / window)
local left = window - (now - index * window)
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(state[1])
local current = 0
local previous = 0
if stored == index then
  current = tonumber(state[2]) or 0
  previous = tonumber(state[3]) or 0
elseif stored == index - 1 then
  previous = tonumber(state[2]) or 0
end

-- Usage scaled by the window length, so that everything stays in exact integers.
local function used(c, p)
  return p * left + c * window
end

local function reset(c, p)
  if c > 0 then
    return window + left
  elseif p > 0 then
    return left
  end
  return 0
end

local function remaining(c, p)
  return math.max(0, math.floor((limit * window - used(c, p)) / window))
end

if permits < 0 then
  local token = tonumber(ARGV[4])
  if stored ~= nil then
    if token == index then
      current = math.max(0, current + permits)
    elseif token == index - 1 then
      previous = math.max(0, previous + permits)
    end
    redis.call('HSET', KEYS[1], 'w', index, 'c', current, 'p', previous)
    redis.call('PEXPIRE', KEYS[1], window + left)
  end
  return {1, remaining(current, previous), reset(current, previous), 0, index}
end

if used(current + permits, previous) <= limit * window then
  current = current + permits
  redis.call('HSET', KEYS[1], 'w', index, 'c', current, 'p', previous)
  -- The counts stay relevant until the next window has slid past them.
  redis.call('PEXPIRE', KEYS[1], window + left)
  return {1, remaining(current, previous), reset(current, previous), 0, index}
end

-- Rejected: nothing is written. Retry-after is when the weighted usage first leaves room.
local retry
if permits > limit then
  retry = -1
elseif current + permits <= limit then
  -- the previous window's weight has to shrink
  local budget = (limit - current - permits) * window
  retry = (window - math.floor(budget / previous)) - (window - left)
else
  -- only once this window has become the previous one
  local budget = (limit - permits) * window
  retry = left + math.max(0, window - math.floor(budget / current))
end
if retry ~= -1 then
  retry = math.max(1, retry)
end
return {0, remaining(current, previous), reset(current, previous), retry, index}
