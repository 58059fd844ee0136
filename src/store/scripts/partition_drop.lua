#!lua
-- Drops a partition count from the registry, only if no process registered it
-- again since it was read: a process renews its registration before it
-- records into its partitions, so a count renewed meanwhile is kept.
--
-- KEYS[1] the registry (hash: count to last registration ms)
-- ARGV[1] the count, ARGV[2] its registration as read
-- Returns 1 when the count was dropped, 0 when it was kept.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
