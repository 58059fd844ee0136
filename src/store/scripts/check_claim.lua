#!lua
-- Claims a due contact check: pushes it ARGV[1] ms ahead (a lease, after which
-- it is due again if the claimer died) and marks it in flight.
--
-- KEYS[1] check queue, KEYS[2] in-flight marker
-- ARGV[1] lease ms, ARGV[2] contact id, ARGV[3] claimer name
-- Returns 1 when claimed, 0 when no longer due (another worker took it).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not score or tonumber(score) > now then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', tonumber(ARGV[1]))
return 1
