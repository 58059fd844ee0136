#!lua
-- HubSpot answered 429: every replica holds its calls of this limiter for
-- ARGV[3] ms. The hold fills the window log: ARGV[1] placeholder permits
-- (`hold:1` ...) stamped so that they leave the window exactly when the hold
-- ends, so rate_limit.lua answers "wait" until then and counts the wait
-- itself. A later hold only extends an earlier one (GT), never shortens it.
--
-- KEYS[1] the window log (sorted set of call ids by time)
-- ARGV[1] max calls per window
-- ARGV[2] window in milliseconds
-- ARGV[3] how long to hold, in milliseconds
-- Returns 1.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local stamp = now + hold - window
for i = 1, tonumber(ARGV[1]) do
  redis.call('ZADD', KEYS[1], 'GT', stamp, 'hold:' .. i)
end
local keep = math.max(window, hold)
if redis.call('PTTL', KEYS[1]) < keep then
  redis.call('PEXPIRE', KEYS[1], keep)
end
return 1
