-- Adds an entry and trims acknowledged history to the stream's bounds, in one step. Never trims an entry that
-- some consumer group (of any application) has not read or not acknowledged: the trim stops below the oldest
-- id a group still needs (its oldest pending id, else the id after its last-delivered id). With back-pressure
-- on, refuses the entry while a group already has max-backlog unacknowledged entries.
-- Idempotent: a hash next to the stream maps recent publish ids to their entry ids, so the same call run again
-- (a client re-sending it after the connection dropped with the reply) returns that id and adds nothing. A
-- sorted set scores each publish id by the time it may be forgotten; every call forgets a bounded batch of those
-- due. Both live for the window after the last add, so an idle stream's bookkeeping goes away, and they exist
-- whenever the stream was published to lately: during a slot migration they move with it instead of being
-- missing on one side (which Redis refuses with TRYAGAIN).
-- KEYS[1] stream, KEYS[2] publish ids hash, KEYS[3] publish ids by expiry (sorted set), all in one slot
-- ARGV[1] max length (0: none), ARGV[2] max age ms (0: none), ARGV[3] max backlog (0: no back-pressure),
-- ARGV[4] length slack, ARGV[5] age slack ms, ARGV[6] most entries removed per call, ARGV[7] ms the publish id
-- is remembered, ARGV[8] publish id, ARGV[9..] field, value, ...
-- Returns { id, length, holding group or '', id it needs or '' } where a holding group means the stream stays
-- beyond its bounds because of that group, and length -1 means the bounds were not looked at (no bounds given,
-- or a repeated call); or { '', backlog, group } when back-pressure refused the entry.
local key, published, expiry = KEYS[1], KEYS[2], KEYS[3]
local maxLength, maxAge, maxBacklog = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lengthSlack, ageSlack, most = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local window, publishId = tonumber(ARGV[7]), ARGV[8]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- at most 100 forgotten per call: each call adds one, so the bookkeeping stays near rate x window
local forgotten = redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, 100)
if #forgotten > 0 then
  redis.call('HDEL', published, unpack(forgotten))
  redis.call('ZREM', expiry, unpack(forgotten))
end
local seen = redis.call('HGET', published, publishId)
if seen then
  return { seen, -1, '', '' }
end

local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then
      return fields[i + 1]
    end
  end
  return nil
end

-- Ids are compared as decimal strings: sequence numbers may exceed what a Lua number holds exactly.
local function compareDigits(a, b)
  if #a ~= #b then
    return (#a < #b) and -1 or 1
  end
  if a == b then
    return 0
  end
  return (a < b) and -1 or 1
end

local function compare(a, b)
  local aMs, aSeq = string.match(a, '^(%d+)-(%d+)$')
  local bMs, bSeq = string.match(b, '^(%d+)-(%d+)$')
  local byMs = compareDigits(aMs, bMs)
  if byMs ~= 0 then
    return byMs
  end
  return compareDigits(aSeq, bSeq)
end

local function increment(digits)
  local i = #digits
  while i > 0 and string.sub(digits, i, i) == '9' do
    i = i - 1
  end
  if i == 0 then
    return '1' .. string.rep('0', #digits)
  end
  return string.sub(digits, 1, i - 1) .. string.char(string.byte(digits, i) + 1) .. string.rep('0', #digits - i)
end

local function successor(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if seq == '18446744073709551615' then
    return increment(ms) .. '-0'
  end
  return ms .. '-' .. increment(seq)
end

local function millis(id)
  return tonumber(string.match(id, '^(%d+)'))
end

local function groups()
  if redis.call('EXISTS', key) == 0 then
    return {}
  end
  return redis.call('XINFO', 'GROUPS', key)
end

if maxBacklog > 0 then
  local length
  for _, group in ipairs(groups()) do
    local lag = field(group, 'lag')
    local backlog
    if type(lag) == 'number' then
      backlog = field(group, 'pending') + lag
    else
      -- Redis cannot tell the lag (entries deleted ahead of the group): count the whole stream
      length = length or redis.call('XLEN', key)
      backlog = length
    end
    if backlog >= maxBacklog then
      return { '', backlog, field(group, 'name') }
    end
  end
end

local add = { 'XADD', key, '*' }
for i = 9, #ARGV do
  add[#add + 1] = ARGV[i]
end
local id = redis.call(unpack(add))
redis.call('HSET', published, publishId, id)
redis.call('ZADD', expiry, now + window, publishId)
redis.call('PEXPIRE', published, window)
redis.call('PEXPIRE', expiry, window)
if maxLength == 0 and maxAge == 0 then
  return { id, -1, '', '' }
end

local length = redis.call('XLEN', key)
local oldest
if maxAge > 0 then
  oldest = now - maxAge
end
local function tooOld()
  local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)
  return first[1] ~= nil and millis(first[1][1]) < oldest - ageSlack
end
-- trimming waits for some slack beyond the bounds, so its cost is shared by many adds
if not ((maxLength > 0 and length >= maxLength + lengthSlack) or (oldest and tooOld())) then
  return { id, length, '', '' }
end

-- the oldest id some group still needs: entries below it were delivered to every group and acknowledged
local bound, holder
for _, group in ipairs(groups()) do
  local name = field(group, 'name')
  local needed
  if field(group, 'pending') > 0 then
    needed = redis.call('XPENDING', key, name)[2]
  else
    needed = successor(field(group, 'last-delivered-id'))
  end
  if bound == nil or compare(needed, bound) < 0 then
    bound, holder = needed, name
  end
end

-- the oldest entries below the bound, at most most + 1: what may go, and the first one that stays
local excess = (maxLength > 0) and math.max(0, length - maxLength) or 0
local stop = bound and ('(' .. bound) or '+'
local page = math.min(most, math.max(excess, 100)) + 1
local below = redis.call('XRANGE', key, '-', stop, 'COUNT', page)
if oldest and #below == page and page <= most and millis(below[page][1]) < oldest then
  -- all too old: read on (still at most most + 1 entries in all)
  local more = redis.call('XRANGE', key, '(' .. below[page][1], stop, 'COUNT', most + 1 - page)
  for _, entry in ipairs(more) do
    below[#below + 1] = entry
  end
end
local count = excess
if oldest then
  local old = 0
  while old < #below and millis(below[old + 1][1]) < oldest do
    old = old + 1
  end
  count = math.max(count, old)
end
count = math.min(count, #below, most)
if count > 0 then
  local threshold
  if count < #below then
    threshold = below[count + 1][1]
  elseif bound then
    threshold = bound
  else
    threshold = successor(below[count][1])
  end
  -- exact trimming: removes whole nodes and marks the rest of one node, at most 'most' entries
  local trim = { 'XTRIM', key, 'MINID', threshold }
  if redis.REDIS_VERSION_NUM and redis.REDIS_VERSION_NUM >= 0x080200 then
    -- Redis 8.2 also checks every trimmed entry against the groups itself
    trim[#trim + 1] = 'ACKED'
  end
  length = length - redis.call(unpack(trim))
end

-- every entry below the bound is gone: whatever still exceeds the bounds waits for the holding group
if bound and count == #below
    and ((maxLength > 0 and length >= maxLength + lengthSlack) or (oldest and tooOld())) then
  return { id, length, holder, bound }
end
return { id, length, '', '' }
