#!lua
-- Claims up to ARGV[2] due signups for one check, atomically: each is pushed
-- to the end of its lease (so it comes back if the claimer dies) and gets the
-- claim's token, which the outcome must present (fencing: a claimer whose
-- lease ran out can no longer write). Redis clock.
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] due checks (sorted set by due time), KEYS[2] claim tokens (hash)
-- ARGV[1] lease ms, ARGV[2] most signups, ARGV[3] this claim's token
-- Returns the claimed signupIds, earliest due first.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), id)
  redis.call('HSET', KEYS[2], id, ARGV[3])
end
return due
