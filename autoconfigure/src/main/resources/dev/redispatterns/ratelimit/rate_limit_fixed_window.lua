-- Fixed window: a counter per window, windows aligned on Redis TIME.
-- The key is a hash {w = window index, c = permits granted in it}, plus {r<index> = permits} for windows
-- that callers who may wait have reserved ahead; it expires when the last window holding permits ends.
-- KEYS[1] bucket
-- ARGV[1] permits (a negative value refunds a grant made in window ARGV[4])
-- ARGV[2] limit, ARGV[3] window in ms, ARGV[4] window index of the grant to refund,
-- ARGV[5] longest wait in ms (0: now or never)
-- Reply: {allowed, remaining, reset ms, retry-after ms (-1: never), window index, wait ms}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local permits = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[5]) or 0
local index = math.floor(now / window)

-- permits by window index, for this window and the reserved later ones; fields of past windows are stale
local counts = {}
local stale = {}
local last = index
local state = redis.call('HGETALL', KEYS[1])
local stored, storedCount = nil, 0
for i = 1, #state, 2 do
  local field = state[i]
  local value = tonumber(state[i + 1]) or 0
  if field == 'w' then
    stored = value
  elseif field == 'c' then
    storedCount = value
  else
    local j = tonumber(string.sub(field, 2))
    if j ~= nil and j >= index then
      counts[j] = value
      last = math.max(last, j)
    end
    if j == nil or j <= index then
      stale[#stale + 1] = field
    end
  end
end
if stored ~= nil and stored >= index then
  counts[stored] = (counts[stored] or 0) + storedCount
end

local function count(j)
  return counts[j] or 0
end

local function save(changed)
  if changed > index then
    redis.call('HSET', KEYS[1], 'w', index, 'c', count(index), 'r' .. changed, count(changed))
  else
    redis.call('HSET', KEYS[1], 'w', index, 'c', count(index))
  end
  if #stale > 0 then
    redis.call('HDEL', KEYS[1], unpack(stale))
  end
  redis.call('PEXPIRE', KEYS[1], (last + 1) * window - now)
end

local reset = (index + 1) * window - now

if permits < 0 then
  local token = tonumber(ARGV[4])
  if token ~= nil and token >= index and count(token) > 0 then
    counts[token] = math.max(0, count(token) + permits)
    save(token)
  end
  return {1, math.max(0, limit - count(index)), reset, 0, index, 0}
end

if count(index) + permits <= limit then
  counts[index] = count(index) + permits
  save(index)
  return {1, limit - count(index), reset, 0, index, 0}
end

if permits > limit then
  return {0, math.max(0, limit - count(index)), reset, -1, index, 0}
end

-- The first later window with room: a window without a field is empty, so this ends after the reserved ones.
local j = index + 1
while count(j) + permits > limit do
  j = j + 1
end
local wait = j * window - now
if wait <= maxWait then
  counts[j] = count(j) + permits
  last = math.max(last, j)
  save(j)
  return {1, 0, (j + 1) * window - now, 0, j, wait}
end
-- Rejected: nothing is written.
return {0, math.max(0, limit - count(index)), reset, wait, index, 0}
