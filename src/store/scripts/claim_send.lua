#!lua
-- Claims the verification send of one contact: refused when it was sent
-- already, or when another worker's claim has not expired. The sendId stays
-- the same across claims, so a send repeated after a crash is ignored by HubSpot.
--
-- KEYS[1] the contact's state hash
-- ARGV[1] sendId, ARGV[2] claim lease ms, ARGV[3] state TTL ms, ARGV[4] claimer
-- Returns 'claimed', 'sent' or 'busy'.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'sent' then
  return 'sent'
end
if state == 'sending' then
  local until_ms = tonumber(redis.call('HGET', KEYS[1], 'claimUntil') or '0') or 0
  if until_ms > now then
    return 'busy'
  end
end
redis.call('HSET', KEYS[1], 'state', 'sending', 'sendId', ARGV[1],
  'claimUntil', now + tonumber(ARGV[2]), 'claimedBy', ARGV[4], 'updatedAt', now)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 'claimed'
