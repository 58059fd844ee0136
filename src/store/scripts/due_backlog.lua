#!lua
-- The due checks at a glance, by the Redis clock (the clock the due times
-- and the claim use): how many are due now (counted up to ARGV[1]), the due
-- time of the earliest queued (-1 when none), and the time now.
--
-- KEYS[1] due checks (sorted set by due time, ms)
-- ARGV[1] the most to count
-- Returns {due now, earliest due time or -1, now}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local earliest = -1
if first[2] then earliest = math.floor(tonumber(first[2])) end
return {#due, earliest, now}
