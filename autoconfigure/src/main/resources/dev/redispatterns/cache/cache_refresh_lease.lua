-- Takes the loading lease for a background refresh, unless the entry was already replaced (another
-- instance refreshed it between this caller's read and now) or someone holds the lease.
-- KEYS[1] entry, KEYS[2] lease (same slot)
-- ARGV[1] lease token, ARGV[2] lease lifetime (ms), ARGV[3] the 8 expiry bytes of the entry that was read
local entry = redis.call('GET', KEYS[1])
if entry and string.sub(entry, 3, 10) ~= ARGV[3] then
  return 0
end
-- a lease held under ARGV[1] already is this very call, sent again by the client after a reconnect
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[2]) == ARGV[1] then
  return 1
end
return 0
