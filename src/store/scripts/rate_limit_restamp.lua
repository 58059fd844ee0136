#!lua
-- Moves a reserved permit of the sliding-window limiter to the Redis time
-- now, when its call is actually made (permits are reserved together, their
-- calls made one after another). Only an existing permit moves. The time
-- is rounded up to the millisecond, as in rate_limit.lua. The window log then
-- lives at least one window more, so the moved permit never expires with it
-- before it leaves the window.
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] the permit's member (`<reservation id>:<index>`)
-- ARGV[2] the window in milliseconds
-- Returns 1 when moved, 0 when the permit had left the window.
local t = redis.call('TIME')
local stamp = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', stamp, ARGV[1])
local window = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < window then
  redis.call('PEXPIRE', KEYS[1], window)
end
return 1
