#!lua
-- Raises the highest event partition count seen to ARGV[1] if it is lower;
-- returns the highest count seen.
--
-- KEYS[1]  the highest partition count seen (string)
-- ARGV[1]  this process's partition count
local seen = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local mine = tonumber(ARGV[1])
if mine > seen then
  redis.call('SET', KEYS[1], mine)
  return mine
end
return seen
