#!lua
-- Records a new signup before its Forms call, in one step: its record, its
-- place among the open signups and in its email's index. Nothing else is
-- touched: a rejected, failed or newer signup for the same address never
-- replaces or removes another signup's record. Its status is `submitting`:
-- not accepted yet; nothing submits it until its request's acceptance is
-- written (signup_submitted.lua or signup_replace.lua).
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record, KEYS[2] open signups, KEYS[3] its email's index
-- ARGV[1] signupId, ARGV[2] record JSON, ARGV[3] record TTL ms, ARGV[4] submit time ms
-- Returns the Redis clock when the record was written (ms): the intake's
-- acceptance deadline is counted from it.
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]))
local t = redis.call('TIME')
return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
