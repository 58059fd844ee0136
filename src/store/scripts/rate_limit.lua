#!lua
-- Sliding-window rate limiter shared by every replica: allows at most ARGV[1]
-- calls per ARGV[2] milliseconds, timed by the Redis clock. Takes ARGV[4]
-- permits at once, or none; with ARGV[5], only when at least that many more
-- stay free afterwards (low-priority calls leave room for the others).
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] max calls per window
-- ARGV[2] window in milliseconds
-- ARGV[3] a unique id for this acquisition
-- ARGV[4] permits wanted (1 to ARGV[1])
-- ARGV[5] permits that must stay free after this acquisition (default 0)
-- Returns 0 when the calls may proceed, else the milliseconds until enough
-- permits are free.
--
-- Permits are stamped with the time rounded up to the millisecond, and the
-- window is read with it rounded down: a permit never leaves the window
-- before HubSpot's record of its call does (rounded down, it could leave up
-- to 1 ms early, and the next call would be one too many).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stamp = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[4] or '1')
local keep_free = tonumber(ARGV[5] or '0')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + wanted + keep_free <= max then
  for i = 1, wanted do
    redis.call('ZADD', KEYS[1], stamp, ARGV[3] .. ':' .. i)
  end
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = used + wanted + keep_free - max - 1
local nth = redis.call('ZRANGE', KEYS[1], oldest, oldest, 'WITHSCORES')
if not nth[2] then
  return window
end
local wait = tonumber(nth[2]) + window - now
if wait < 1 then wait = 1 end
return wait
