-- Adds an entry and trims the stream by length and by age in one step; the age bound uses Redis time.
-- KEYS[1] stream
-- ARGV[1] max length (0: no length bound), ARGV[2] max age in ms, ARGV[3..] field, value, ...
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local add = { 'XADD', KEYS[1] }
if tonumber(ARGV[1]) > 0 then
  add[#add + 1] = 'MAXLEN'
  add[#add + 1] = '~'
  add[#add + 1] = ARGV[1]
end
add[#add + 1] = '*'
for i = 3, #ARGV do
  add[#add + 1] = ARGV[i]
end
local id = redis.call(unpack(add))
redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', now - tonumber(ARGV[2])))
return id
