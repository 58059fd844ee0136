#!lua
-- Schedules a member of a delay queue ARGV[1] ms from now (Redis clock).
-- KEYS[1] the delay queue; ARGV[1] delay in ms; ARGV[2] member.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
