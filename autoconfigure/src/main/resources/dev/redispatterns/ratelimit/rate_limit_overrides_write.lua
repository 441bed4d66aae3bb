-- Sets or clears one rate-limit override. All overrides live in one hash (one key, hence one slot):
-- {<field> = JSON of the override, '~v' = version}. The hash is bounded by ARGV[10] entries; expired
-- entries are dropped here, and the hash expires with its last entry when every entry has an expiry.
-- The version only grows (it starts from Redis TIME), so instances polling it never miss a change.
-- KEYS[1] overrides hash
-- ARGV[1] field, ARGV[2] 'set' or 'clear', ARGV[3] policy, ARGV[4] key, ARGV[5] 1 if the key applies,
-- ARGV[6] limit, ARGV[7] window ms, ARGV[8] refill rate (each '' when not overridden),
-- ARGV[9] time to live in ms (0: until cleared), ARGV[10] most entries
-- Reply: {changed (0/1), version}; an error reply when the hash is full
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local field = ARGV[1]

local entries = 0
local latest = 0
local forever = false
local present = false
local state = redis.call('HGETALL', KEYS[1])
for i = 1, #state, 2 do
  if state[i] ~= '~v' then
    local ok, value = pcall(cjson.decode, state[i + 1])
    local expires = ok and tonumber(value['x']) or nil
    if not ok or (expires ~= nil and expires <= now) then
      redis.call('HDEL', KEYS[1], state[i])
    elseif state[i] ~= field then
      entries = entries + 1
      if expires == nil then
        forever = true
      else
        latest = math.max(latest, expires)
      end
    else
      present = true
    end
  end
end

local changed = 0
if ARGV[2] == 'set' then
  if entries >= tonumber(ARGV[10]) then
    return redis.error_reply('OVERRIDES_FULL ' .. entries)
  end
  local value = { p = ARGV[3] }
  if ARGV[5] == '1' then
    value['k'] = ARGV[4]
  end
  if ARGV[6] ~= '' then value['l'] = ARGV[6] end
  if ARGV[7] ~= '' then value['w'] = ARGV[7] end
  if ARGV[8] ~= '' then value['r'] = ARGV[8] end
  local ttl = tonumber(ARGV[9])
  if ttl > 0 then
    value['x'] = string.format('%.0f', now + ttl)
    latest = math.max(latest, now + ttl)
  else
    forever = true
  end
  redis.call('HSET', KEYS[1], field, cjson.encode(value))
  entries = entries + 1
  changed = 1
elseif present then
  redis.call('HDEL', KEYS[1], field)
  changed = 1
end

local version = math.max((tonumber(redis.call('HGET', KEYS[1], '~v')) or 0) + 1, tonumber(t[1]) * 1000000 + tonumber(t[2]))
version = string.format('%.0f', version)
if entries == 0 then
  redis.call('DEL', KEYS[1])
  return {changed, version}
end
redis.call('HSET', KEYS[1], '~v', version)
if forever then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], latest - now)
end
return {changed, version}
