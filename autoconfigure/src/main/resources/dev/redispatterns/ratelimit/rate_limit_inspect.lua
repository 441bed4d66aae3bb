#!lua flags=no-writes
-- Reads the state of one bucket without changing it (Redis refuses writes in a no-writes script), for
-- support staff: what a request of one permit would see now. Mirrors the arithmetic of the algorithms'
-- scripts; time comes from Redis TIME as there.
-- KEYS[1] bucket
-- ARGV[1] algorithm code (fw, sw, sl, tb, gcra), ARGV[2] limit (token bucket: capacity),
-- ARGV[3] window in ms, ARGV[4] refill rate per second (token bucket)
-- Reply: {exists (0/1), remaining, reset ms, key TTL ms (-2 missing, -1 none)}
local t = redis.call('TIME')
local code = ARGV[1]
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
local exists = 0
if ttl ~= -2 then
  exists = 1
end
local remaining = limit
local reset = 0

-- Window counts as the fixed- and sliding-window scripts keep them: {w, c, p} plus reserved {r<index>}.
local function counts(now)
  local result = {}
  local state = redis.call('HGETALL', KEYS[1])
  local stored, current, previous = nil, 0, 0
  for i = 1, #state, 2 do
    local field, value = state[i], tonumber(state[i + 1]) or 0
    if field == 'w' then
      stored = value
    elseif field == 'c' then
      current = value
    elseif field == 'p' then
      previous = value
    else
      local j = tonumber(string.sub(field, 2))
      if j ~= nil then
        result[j] = (result[j] or 0) + value
      end
    end
  end
  if stored ~= nil then
    result[stored] = (result[stored] or 0) + current
    result[stored - 1] = (result[stored - 1] or 0) + previous
  end
  return result
end

if code == 'fw' then
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local index = math.floor(now / window)
  local count = counts(now)[index] or 0
  remaining = math.max(0, limit - count)
  if count > 0 then
    reset = (index + 1) * window - now
  end
elseif code == 'sw' then
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local index = math.floor(now / window)
  local left = window - (now - index * window)
  local all = counts(now)
  local current = all[index] or 0
  local previous = all[index - 1] or 0
  remaining = math.max(0, math.floor((limit * window - (previous * left + current * window)) / window))
  if current > 0 then
    reset = window + left
  elseif previous > 0 then
    reset = left
  end
elseif code == 'sl' then
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local span = window * 1000
  local count = redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%.0f', now - span), '+inf')
  remaining = math.max(0, limit - count)
  if count > 0 then
    local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
    reset = math.max(0, math.ceil((tonumber(newest[2]) + span - now) / 1000))
  end
elseif code == 'tb' then
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local rate = tonumber(ARGV[4])
  local state = redis.call('HMGET', KEYS[1], 'tk', 'ts')
  local tokens = tonumber(state[1])
  local last = tonumber(state[2])
  if tokens ~= nil and last ~= nil then
    if now > last then
      tokens = math.min(limit, tokens + (now - last) * rate / 1000000)
    end
    remaining = math.max(0, math.floor(tokens + 1e-9))
    reset = math.max(0, math.ceil((limit - tokens) * 1000 / rate - 1e-9))
  end
elseif code == 'gcra' then
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local span = window * 1000
  local interval = span / limit
  local tat = tonumber(redis.call('GET', KEYS[1]))
  if tat ~= nil and tat > now then
    -- the tolerance of the decision itself (0.001 µs), so that room shown is room a request gets
    remaining = math.max(0, math.floor((span + 0.001 - (tat - now)) / interval + 1e-9))
    reset = math.max(0, math.ceil((tat - now) / 1000 - 0.001))
  end
else
  return redis.error_reply('unknown algorithm ' .. tostring(code))
end
return {exists, remaining, reset, ttl}
