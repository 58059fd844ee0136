#!lua
-- Writes the outcome of a claimed signup's check, only for the holder of its
-- current claim token (fencing). 'wait': the record is stored and the next
-- check made due after ARGV[5] ms (sooner, ARGV[7] ms, when an event woke the
-- signup during the check). 'final': the record is stored (sent or dead-
-- lettered) and the signup leaves every queue and index. 'drop': the signup
-- leaves the check queue only (its Forms call is pending again).
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] due checks, KEYS[2] claim tokens, KEYS[3] woken during a check,
-- KEYS[4] unseen signups, KEYS[5] open signups, KEYS[6] the record,
-- KEYS[7] its email's index, KEYS[8] its contact's index (only when known)
-- ARGV[1] signupId, ARGV[2] claim token, ARGV[3] record JSON ('' keeps it),
-- ARGV[4] mode, ARGV[5] delay ms, ARGV[6] record TTL ms, ARGV[7] recheck delay ms
-- Returns 1, or 0 when the claim was lost (nothing written).
local id = ARGV[1]
if redis.call('HGET', KEYS[2], id) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[2], id)
local woken = redis.call('SREM', KEYS[3], id) == 1
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[6], ARGV[3], 'PX', tonumber(ARGV[6]))
end
local mode = ARGV[4]
if mode == 'final' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('SREM', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  redis.call('SREM', KEYS[7], id)
  if KEYS[8] then redis.call('SREM', KEYS[8], id) end
  return 1
end
if mode == 'drop' then
  redis.call('ZREM', KEYS[1], id)
  return 1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[5])
if woken and tonumber(ARGV[7]) < delay then
  delay = tonumber(ARGV[7])
end
redis.call('ZADD', KEYS[1], now + delay, id)
if KEYS[8] then
  redis.call('SREM', KEYS[4], id)
  redis.call('SADD', KEYS[8], id)
  redis.call('PEXPIRE', KEYS[8], tonumber(ARGV[6]))
else
  redis.call('SADD', KEYS[4], id)
end
return 1
