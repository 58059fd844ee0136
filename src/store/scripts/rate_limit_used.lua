#!lua
-- How many permits of the sliding-window limiter are in its window now,
-- timed by the Redis clock (as rate_limit.lua counts them).
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] window in milliseconds
-- Returns the count.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
