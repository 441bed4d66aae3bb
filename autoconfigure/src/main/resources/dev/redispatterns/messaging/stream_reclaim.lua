-- Claims entries idle longer than the reclaim time (their consumer stopped renewing them) and tells how
-- often each was delivered, which XAUTOCLAIM alone does not.
-- KEYS[1] stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count
-- Returns { next cursor, { { id, { field, value, ... }, delivery count }, ... } }
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local entries = {}
for _, entry in ipairs(claimed[2]) do
  if entry and entry[1] then
    local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
    local deliveries = 1
    if #pending > 0 then
      deliveries = pending[1][4]
    end
    entries[#entries + 1] = { entry[1], entry[2] or {}, deliveries }
  end
end
return { claimed[1], entries }
