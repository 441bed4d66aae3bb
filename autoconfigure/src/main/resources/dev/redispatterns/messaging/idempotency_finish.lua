-- Ends a claim on an idempotency key, only if this caller still holds it (the lease may have run out and
-- another caller taken over): on success the key remembers the work as done for the retention time, on
-- failure the claim is dropped so a redelivery can do the work.
-- KEYS[1] idempotency key
-- ARGV[1] claim token, ARGV[2] '1' done | '0' failed, ARGV[3] retention ms
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
