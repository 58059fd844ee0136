#!lua
-- A signup's Forms call went through: store its record and make its first
-- check due after the grace for HubSpot's visibility lag. Until now the
-- signup was in no check queue, so its contact is never checked while its own
-- Forms call is queued or in flight. A token on the wake list wakes an idle
-- checker of any process (the list keeps the newest ARGV[5] tokens).
--
-- The write is fenced by the state its writer read: it happens only while
-- the stored record's status is ARGV[6] ('' for any: an operator's replay),
-- and, when ARGV[7] is not 0, no later than ARGV[7] (ms, Redis clock). The
-- intake's write is the signup's acceptance (`submitting` to `submitted`);
-- its request stops waiting for the answer soon after the deadline, so a
-- write that Redis runs late (a pause, a slow server) never makes live a
-- signup whose request was answered 503. The sweep passes '' as ARGV[2]: it
-- puts the signup back in the check queue and keeps the stored record.
--
-- The record JSON is stored as given and decoded only to read its `status`;
-- the roles of KEYS and ARGV below, and the values compared, are declared
-- once in src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record, KEYS[2] due checks, KEYS[3] unseen signups,
-- KEYS[4] wake list
-- ARGV[1] signupId, ARGV[2] record JSON ('' keeps the stored one),
-- ARGV[3] record TTL ms, ARGV[4] grace ms, ARGV[5] wake list length,
-- ARGV[6] expected status, ARGV[7] deadline ms
-- Returns 1, 0 when the record was gone (expired or finished elsewhere), -1
-- when its status was not the expected one, -2 past the deadline.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
if ARGV[6] ~= '' then
  local ok, stored = pcall(cjson.decode, current)
  if not ok or type(stored) ~= 'table' or stored.status ~= ARGV[6] then
    return -1
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = tonumber(ARGV[7])
if deadline > 0 and now > deadline then
  return -2
end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('LPUSH', KEYS[4], ARGV[1])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[5]) - 1)
return 1
