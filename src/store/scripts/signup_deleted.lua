#!lua
-- A contact's deletion ends the checks of its open signups: the contact is
-- marked deleted for ARGV[1] ms, which the next check of each signup reads.
-- A contact no open signup is known on writes nothing (deletions of contacts
-- the reactor never waited for would otherwise each leave a key behind).
--
-- KEYS[1] the contact's index, KEYS[2] its deletion marker
-- ARGV[1] marker TTL ms
-- Returns 1 when the contact was marked, 0 when nothing was written.
if redis.call('SCARD', KEYS[1]) == 0 then
  return 0
end
redis.call('SET', KEYS[2], 1, 'PX', tonumber(ARGV[1]))
return 1
