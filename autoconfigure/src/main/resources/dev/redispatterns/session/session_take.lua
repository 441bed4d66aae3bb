-- Removes and returns every session of a user's index except the given ones, atomically: a sign-in that
-- happens afterwards starts a fresh index and is not lost, one that happened before is taken.
-- KEYS[1] the user's index
-- ARGV storage ids to keep
local key = KEYS[1]
local all = redis.call('ZRANGE', key, 0, -1)
local keep = {}
for i = 1, #ARGV do
  keep[ARGV[i]] = true
end
local taken = {}
for i = 1, #all do
  if not keep[all[i]] then
    taken[#taken + 1] = all[i]
  end
end
if #taken == #all then
  redis.call('DEL', key)
else
  for i = 1, #taken, 1000 do
    redis.call('ZREM', key, unpack(taken, i, math.min(i + 999, #taken)))
  end
end
return taken
