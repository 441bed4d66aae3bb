-- Looks a cold key up once more and, if it is still missing, takes the loading lease.
-- KEYS[1] entry, KEYS[2] lease (same slot)
-- ARGV[1] lease token, ARGV[2] lease lifetime (ms), ARGV[3] '1' to return an existing entry
-- Returns {2, entry} when the entry exists, {1} when the lease was taken, {0} when another caller holds it.
-- Holding the lease under ARGV[1] already counts as taking it: the client sends a command again when the
-- connection broke before its reply came, and the caller must not wait for itself.
if ARGV[3] == '1' then
  local entry = redis.call('GET', KEYS[1])
  if entry then
    return {2, entry}
  end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[2]) == ARGV[1] then
  return {1}
end
return {0}
