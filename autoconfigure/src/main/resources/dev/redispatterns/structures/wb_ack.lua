-- Acknowledges a batch the sink has applied: it is deleted, so it is never handed out again.
-- KEYS[1] in-flight hash, KEYS[2] batch state hash; ARGV[1] batch id
-- Returns 1 if the batch was still in flight, else 0.
if redis.call('HGET', KEYS[2], 'id') == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
