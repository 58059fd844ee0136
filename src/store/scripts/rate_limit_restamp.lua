#!lua
-- Moves a reserved permit of the sliding-window limiter to the Redis time
-- now, when its call is actually made (permits are reserved together, their
-- calls made one after another). Only an existing permit moves. The time
-- is rounded up to the millisecond, as in rate_limit.lua.
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] the permit's member (`<reservation id>:<index>`)
-- Returns 1 when moved, 0 when the permit had left the window.
local t = redis.call('TIME')
local stamp = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', stamp, ARGV[1])
