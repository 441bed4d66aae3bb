-- Looks a cold key up once more and, if it is still missing, hands out the key's fill ticket and, when
-- asked, takes the loading lease. A load may store its value only while the ticket it got here is still
-- the key's ticket: any write, eviction, clear or other fill removes it.
-- KEYS[1] entry, KEYS[2] lease, KEYS[3] fill ticket (same slot)
-- ARGV[1] lease token, or '' for no lease; ARGV[2] lifetime of lease and ticket (ms);
-- ARGV[3] '1' to return an existing entry; ARGV[4] a new ticket, used when the key has none
-- Returns {2, entry} when the entry exists, else {1, ticket} when the lease was taken, {0, ticket} when not.
-- Holding the lease under ARGV[1] already counts as taking it: the client sends a command again when the
-- connection broke before its reply came, and the caller must not wait for itself.
if ARGV[3] == '1' then
  local entry = redis.call('GET', KEYS[1])
  if entry then
    return {2, entry}
  end
end
local ticket = redis.call('GET', KEYS[3])
if ticket then
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
else
  ticket = ARGV[4]
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
end
if ARGV[1] ~= '' and (redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[2]) == ARGV[1]) then
  return {1, ticket}
end
return {0, ticket}
