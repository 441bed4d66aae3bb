-- Takes the loading lease for a background refresh, unless the entry was already replaced (another
-- instance refreshed it between this caller's read and now) or someone holds the lease; returns the
-- key's fill ticket with it.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] lease token, ARGV[2] lifetime of lease and ticket (ms), ARGV[3] the 8 expiry bytes of the entry
-- that was read, ARGV[4] a new ticket, used when the key has none
-- Returns the ticket when the lease was taken, false otherwise.
local entry = redis.call('GET', KEYS[1])
if entry and string.sub(entry, 3, 10) ~= ARGV[3] then
  return false
end
-- a lease held under ARGV[1] already is this very call, sent again by the client after a reconnect
if not (redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[2]) == ARGV[1]) then
  return false
end
local ticket = redis.call('GET', KEYS[3])
if ticket then
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
else
  ticket = ARGV[4]
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
end
return ticket
