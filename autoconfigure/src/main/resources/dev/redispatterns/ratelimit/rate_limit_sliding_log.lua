-- Sliding log: a sorted set of the grants of the last window, scored by Redis TIME in microseconds.
-- Exact, but memory grows with the limit. Members are unique: the caller's nonce plus the permit's
-- number, so simultaneous grants never collapse into one member. A caller that may wait is logged at the
-- future time its permits fit; every check counts all logged grants, future ones included, so whatever
-- window contains them never holds more than the limit.
-- KEYS[1] log
-- ARGV[1] permits (a negative value removes the members of the grant with nonce ARGV[4])
-- ARGV[2] limit, ARGV[3] window in ms, ARGV[4] nonce unique to this call, ARGV[5] longest wait in ms
-- Reply: {allowed, remaining, reset ms, retry-after ms (-1: never), 0, wait ms}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local permits = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local window = windowMs * 1000
local nonce = ARGV[4]
local maxWait = tonumber(ARGV[5]) or 0

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])

local function newest()
  local entry = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  return tonumber(entry[2])
end

local function reset()
  if count == 0 then
    return 0
  end
  return math.ceil((newest() + window - now) / 1000)
end

local function add(score)
  local batch = {}
  for i = 1, permits do
    batch[#batch + 1] = score
    batch[#batch + 1] = nonce .. ':' .. i
    if #batch >= 1000 or i == permits then
      redis.call('ZADD', KEYS[1], unpack(batch))
      batch = {}
    end
  end
  count = count + permits
  redis.call('PEXPIRE', KEYS[1], math.ceil((newest() - now) / 1000) + windowMs)
end

if permits < 0 then
  for i = 1, -permits do
    redis.call('ZREM', KEYS[1], nonce .. ':' .. i)
  end
  count = redis.call('ZCARD', KEYS[1])
  return {1, math.max(0, limit - count), reset(), 0, 0, 0}
end

if count + permits <= limit then
  add(now)
  return {1, limit - count, reset(), 0, 0, 0}
end

-- Over the limit: the permits fit once enough of the oldest grants have left the window.
local retry = -1
if permits <= limit then
  local leaving = count + permits - limit
  local entry = redis.call('ZRANGE', KEYS[1], leaving - 1, leaving - 1, 'WITHSCORES')
  local at = tonumber(entry[2]) + window
  retry = math.max(1, math.ceil((at - now) / 1000))
  if retry <= maxWait then
    add(at)
    return {1, 0, reset(), 0, 0, retry}
  end
end
-- Rejected: nothing is added.
return {0, math.max(0, limit - count), reset(), retry, 0, 0}
