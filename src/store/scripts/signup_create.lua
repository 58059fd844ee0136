#!lua
-- Records a new signup before its Forms call, in one step: its record, its
-- place among the open signups and in its email's index. Nothing else is
-- touched: a rejected, failed or newer signup for the same address never
-- replaces or removes another signup's record.
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signup_scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record, KEYS[2] open signups, KEYS[3] its email's index
-- ARGV[1] signupId, ARGV[2] record JSON, ARGV[3] record TTL ms, ARGV[4] submit time ms
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]))
return 1
