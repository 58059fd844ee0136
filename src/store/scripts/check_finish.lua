#!lua
-- Ends a contact check. ARGV[1] is the mode:
--   final: the contact needs no more checks (its email went out);
--   done:  nothing to do now, unless an event arrived meanwhile (then again now);
--   retry: check again in ARGV[2] ms (or now, if an event arrived meanwhile).
--
-- KEYS[1] check queue, KEYS[2] in-flight marker, KEYS[3] recheck flag
-- ARGV[1] mode, ARGV[2] delay ms, ARGV[3] contact id
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[2])
local recheck = redis.call('DEL', KEYS[3]) == 1
local mode = ARGV[1]
if mode == 'final' or (mode == 'done' and not recheck) then
  redis.call('ZREM', KEYS[1], ARGV[3])
elseif recheck then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
else
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
end
return 1
