#!lua
-- An event is a hint: it wakes the open signups of its contact and, for an
-- `email` change, of that address (by fingerprint). A waiting signup becomes
-- due now; a claimed one is marked to be checked again right after its
-- running check. A creation event of a contact that no signup is known on
-- records the contact among the created contacts (a check reads its
-- profile, which carries its address; entries older than ARGV[6] ms go) and
-- makes the signups whose contact is still unseen due: at once, or, within
-- ARGV[2] ms of the last such early check, when that interval ends (one
-- early check per interval however many events arrive, none dropped).
-- Otherwise an event for a contact without open signups writes nothing.
-- An `email` change
-- that names an address with open signups also leaves a hint: that the
-- contact is the address's (checks then read its profile directly). When
-- any signup was woken, a token on the wake list wakes an idle checker of
-- any process (the list keeps the newest ARGV[5] tokens).
--
-- The record JSON is opaque here (stored, never decoded); the roles of KEYS
-- and ARGV below, and the values compared, are declared once in
-- src/store/signups/scripts.rs, whose tests hold this header to them.
-- KEYS[1] due checks, KEYS[2] claim tokens, KEYS[3] woken during a check,
-- KEYS[4] unseen signups, KEYS[5] early-check marker, KEYS[6] the contact's
-- index, KEYS[7] wake list, KEYS[8] created contacts, KEYS[9] the
-- address's index and KEYS[10] its contact hint (both only for `email` changes)
-- ARGV[1] 'creation' or 'change', ARGV[2] early-check interval ms,
-- ARGV[3] the contact id, ARGV[4] the hint's TTL ms, ARGV[5] wake list length,
-- ARGV[6] created contacts' lifetime ms
-- Returns how many signups were woken.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('SMEMBERS', KEYS[6])
if KEYS[9] then
  local by_address = redis.call('SMEMBERS', KEYS[9])
  for _, id in ipairs(by_address) do
    ids[#ids + 1] = id
  end
  if #by_address > 0 then
    redis.call('SET', KEYS[10], ARGV[3], 'PX', tonumber(ARGV[4]))
  end
end
local at = now
if #ids == 0 and ARGV[1] == 'creation' then
  redis.call('ZADD', KEYS[8], now, ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now - tonumber(ARGV[6]))
  redis.call('PEXPIRE', KEYS[8], tonumber(ARGV[6]))
  if not redis.call('SET', KEYS[5], now, 'NX', 'PX', tonumber(ARGV[2])) then
    at = now + math.max(redis.call('PTTL', KEYS[5]), 0)
  end
  ids = redis.call('SMEMBERS', KEYS[4])
end
local woken = 0
for _, id in ipairs(ids) do
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    woken = woken + redis.call('SADD', KEYS[3], id)
  else
    woken = woken + redis.call('ZADD', KEYS[1], 'XX', 'LT', 'CH', at, id)
  end
end
if woken > 0 then
  redis.call('LPUSH', KEYS[7], ARGV[3])
  redis.call('LTRIM', KEYS[7], 0, tonumber(ARGV[5]) - 1)
end
return woken
