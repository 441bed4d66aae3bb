-- An id's deltas not yet acknowledged by the sink: pending plus in flight.
-- KEYS[1] pending hash, KEYS[2] in-flight hash; ARGV[1] id
return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') + tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
