-- Sliding window, the weighted two-window counter: the permits of the previous window count with the
-- share of it that still overlaps the sliding window. Constant memory: one hash per key
-- {w = current window index, c = permits in it, p = permits in the previous window}, windows aligned
-- on Redis TIME, plus {r<index> = permits} for later windows that callers who may wait have reserved.
-- Keeping all counters in one key keeps the script to one key, hence one slot.
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

-- permits by window index: the previous, the current and reserved later windows
local counts = {}
local stale = {}
local last = index
local state = redis.call('HGETALL', KEYS[1])
local stored, current, previous = nil, 0, 0
for i = 1, #state, 2 do
  local field = state[i]
  local value = tonumber(state[i + 1]) or 0
  if field == 'w' then
    stored = value
  elseif field == 'c' then
    current = value
  elseif field == 'p' then
    previous = value
  else
    local j = tonumber(string.sub(field, 2))
    if j ~= nil and j >= index - 1 then
      counts[j] = value
      if value > 0 then
        last = math.max(last, j)
      end
    end
    if j == nil or j <= index then
      stale[#stale + 1] = field
    end
  end
end
if stored ~= nil then
  if stored >= index - 1 then
    counts[stored] = (counts[stored] or 0) + current
  end
  if stored - 1 >= index - 1 then
    counts[stored - 1] = (counts[stored - 1] or 0) + previous
  end
end

local function count(j)
  return counts[j] or 0
end

-- Usage at `elapsed` ms into window j, scaled by the window length so that everything stays in exact integers.
local function used(j, elapsed)
  return count(j - 1) * (window - elapsed) + count(j) * window
end

local elapsedNow = now - index * window

local function remaining()
  return math.max(0, math.floor((limit * window - used(index, elapsedNow)) / window))
end

local function reset()
  if count(index) > 0 then
    return 2 * window - elapsedNow
  elseif count(index - 1) > 0 then
    return window - elapsedNow
  end
  return 0
end

local function save(changed)
  if changed > index then
    redis.call('HSET', KEYS[1], 'w', index, 'c', count(index), 'p', count(index - 1), 'r' .. changed, count(changed))
    last = math.max(last, changed)
  else
    redis.call('HSET', KEYS[1], 'w', index, 'c', count(index), 'p', count(index - 1))
  end
  if #stale > 0 then
    redis.call('HDEL', KEYS[1], unpack(stale))
  end
  -- The counts stay relevant until the window after the last one holding permits has slid past them.
  redis.call('PEXPIRE', KEYS[1], (last + 2) * window - now)
end

if permits < 0 then
  local token = tonumber(ARGV[4])
  if stored ~= nil and token ~= nil and token >= index - 1 then
    counts[token] = math.max(0, count(token) + permits)
    save(token)
  end
  return {1, remaining(), reset(), 0, index, 0}
end

-- The earliest time (ms) in window j at which the permits fit, or nil. Permits reserved in window j + 1
-- were checked against window j's count, so window j only takes what keeps them valid as well.
local function earliest(j)
  local total = count(j) + permits
  if total > limit or (count(j + 1) > 0 and total + count(j + 1) > limit) then
    return nil
  end
  local elapsed = 0
  local before = count(j - 1)
  if before > 0 then
    -- before * (window - elapsed) + total * window <= limit * window
    elapsed = math.max(0, window - math.floor((limit - total) * window / before))
    if elapsed >= window then
      return nil
    end
  end
  return math.max(now, j * window + elapsed)
end

if permits > limit then
  return {0, remaining(), reset(), -1, index, 0}
end

-- Windows that cannot take the permits hold some, so the search ends within two windows after the last one.
local j = index
local at = earliest(j)
while at == nil do
  j = j + 1
  at = earliest(j)
end
local wait = at - now
if wait <= maxWait then
  counts[j] = count(j) + permits
  save(j)
  if wait == 0 then
    return {1, remaining(), reset(), 0, index, 0}
  end
  return {1, 0, (j + 2) * window - now, 0, j, wait}
end
-- Rejected: nothing is written.
return {0, remaining(), reset(), math.max(1, wait), index, 0}
