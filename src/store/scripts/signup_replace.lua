#!lua
-- Rewrites a signup's record, fenced by the state its writer read: only
-- while the stored record's status is ARGV[3], and, when ARGV[4] is not 0, no
-- later than ARGV[4] (ms, Redis clock). The intake's write of a signup queued
-- for the Forms API is its acceptance (`submitting` to `queued`), made before
-- its 202 is sent and never after its request gave up waiting; a Forms retry
-- rewrites only a record still `queued`. A record that is gone is never
-- brought back, and a record another writer moved on (submitted, sent,
-- dead-lettered) is never overwritten with a stale copy.
--
-- The record JSON is stored as given and decoded only to read its `status`;
-- the roles of KEYS and ARGV below, and the values compared, are declared
-- once in src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] the signup's record
-- ARGV[1] record JSON, ARGV[2] record TTL ms, ARGV[3] expected status,
-- ARGV[4] deadline ms
-- Returns 1, 0 when the record was gone, -1 when its status was not the
-- expected one, -2 past the deadline.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' or stored.status ~= ARGV[3] then
  return -1
end
local deadline = tonumber(ARGV[4])
if deadline > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now > deadline then
    return -2
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return 1
