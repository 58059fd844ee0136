#!lua
-- Makes a contact's check due ARGV[1] ms from now, coalescing: one member per
-- contact, moved earlier but never later. If a check of the contact is in
-- progress, flags it to run again instead of starting a second one.
--
-- KEYS[1] check queue (sorted set), KEYS[2] in-flight marker, KEYS[3] recheck flag
-- ARGV[1] delay ms, ARGV[2] contact id, ARGV[3] flag TTL ms
-- Returns 1 when scheduled, 0 when flagged for a recheck.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]))
  return 0
end
redis.call('ZADD', KEYS[1], 'LT', now + tonumber(ARGV[1]), ARGV[2])
return 1
