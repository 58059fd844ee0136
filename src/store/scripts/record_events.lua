#!lua
-- Records a batch of webhook events atomically: for each event, set its dedupe
-- marker (NX, with the dedupe window as TTL; its value is the shared integer 1,
-- which costs no memory of its own) and, only when it was new, append
-- it to the event stream. Redis runs a script as one unit and refuses it up
-- front when out of memory, so no event is ever marked but unrecorded.
--
-- KEYS[1]      the event stream of one partition
-- KEYS[2..n+1] the dedupe marker of each event (in that partition's slot)
-- ARGV[1]      dedupe TTL in seconds
-- ARGV[2]      receive time (ms)
-- ARGV[3..]    per event, 8 values: identity, subscription type, portal id,
--              contact id, occurredAt, property name, stored event JSON, and
--              the fingerprint of a changed `email` (or '')
-- Returns, per event, the new stream entry id, or 0 for a known duplicate.
local per_event = 8
local ttl = ARGV[1]
local received_at = ARGV[2]
local results = {}
for i = 2, #KEYS do
  local base = 2 + (i - 2) * per_event
  local identity = ARGV[base + 1]
  if redis.call('SET', KEYS[i], 1, 'NX', 'EX', ttl) then
    results[#results + 1] = redis.call('XADD', KEYS[1], '*',
      'identity', identity,
      'type', ARGV[base + 2],
      'portal', ARGV[base + 3],
      'contact', ARGV[base + 4],
      'occurredAt', ARGV[base + 5],
      'property', ARGV[base + 6],
      'event', ARGV[base + 7],
      'emailFp', ARGV[base + 8],
      'receivedAt', received_at)
  else
    results[#results + 1] = 0
  end
end
return results
