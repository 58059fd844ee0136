#!lua
-- Claims due members of a delay queue: each is pushed ARGV[1] ms into the
-- future (a lease) and returned. The caller removes it when done; if the caller
-- dies, the member becomes due again when the lease ends. Redis clock.
--
-- KEYS[1] the delay queue (sorted set of members by due time, ms)
-- ARGV[1] lease in milliseconds
-- ARGV[2] most members to claim
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), member)
end
return due
