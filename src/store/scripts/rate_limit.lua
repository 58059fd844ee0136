#!lua
-- Sliding-window rate limiter shared by every replica: allows at most ARGV[1]
-- calls per ARGV[2] milliseconds, timed by the Redis clock.
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] max calls per window
-- ARGV[2] window in milliseconds
-- ARGV[3] a unique id for this call
-- Returns 0 when the call may proceed, else the milliseconds to wait.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
