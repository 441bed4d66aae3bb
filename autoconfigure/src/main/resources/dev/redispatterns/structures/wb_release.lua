-- Gives a batch back after its sink failed, so the next flush (on any instance) retries it at once.
-- KEYS[1] batch state hash; ARGV[1] batch id, ARGV[2] flusher id
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] and redis.call('HGET', KEYS[1], 'owner') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'until', '0')
  return 1
end
return 0
