#!lua
-- Parks a signup that ended outside a check (rejected on a Forms retry, past
-- a horizon, never accepted, or found finished by the sweep): its record is
-- kept for ARGV[3] ms and it leaves every queue and index. Fenced by the
-- state its writer read: only while the stored record's status is ARGV[4],
-- so a stale copy never replaces a record another writer moved on (a signup
-- accepted, submitted or sent meanwhile stays as it is).
--
-- The record JSON is stored as given and decoded only to read its `status`;
-- the roles of KEYS and ARGV below, and the values compared, are declared
-- once in src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record, KEYS[2] open signups, KEYS[3] due checks,
-- KEYS[4] unseen signups, KEYS[5] its email's index, KEYS[6] its contact's
-- index (only when known)
-- ARGV[1] signupId, ARGV[2] record JSON, ARGV[3] record TTL ms,
-- ARGV[4] expected status
-- Returns 1, 0 when the record was gone, -1 when its status was not the
-- expected one.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' or stored.status ~= ARGV[4] then
  return -1
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[5], ARGV[1])
if KEYS[6] then
  redis.call('SREM', KEYS[6], ARGV[1])
end
return 1
