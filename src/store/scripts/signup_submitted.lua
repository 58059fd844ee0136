#!lua
-- A signup's Forms call went through: store its record and make its first
-- check due after the grace for HubSpot's visibility lag. Until now the
-- signup was in no check queue, so its contact is never checked while its own
-- Forms call is queued or in flight. A token on the wake list wakes an idle
-- checker of any process (the list keeps the newest ARGV[5] tokens).
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signup_scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record, KEYS[2] due checks, KEYS[3] unseen signups,
-- KEYS[4] wake list
-- ARGV[1] signupId, ARGV[2] record JSON, ARGV[3] record TTL ms, ARGV[4] grace ms,
-- ARGV[5] wake list length
-- Returns 1, or 0 when the record was gone (expired or finished elsewhere).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('LPUSH', KEYS[4], ARGV[1])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[5]) - 1)
return 1
