#!lua
-- How many members of a delay queue are due now or within ARGV[1] ms,
-- timed by the Redis clock (the clock their due times are written in).
--
-- KEYS[1] the delay queue (sorted set of members by due time, ms)
-- ARGV[1] the horizon in milliseconds
-- Returns the count.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '-inf', now + tonumber(ARGV[1]))
