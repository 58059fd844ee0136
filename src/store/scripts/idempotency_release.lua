#!lua
-- Gives up a claimed Idempotency-Key (its request failed and may be retried),
-- only for the request that holds the claim: the record under KEYS[1] must
-- carry this request's token and no response. A request that outlived its
-- lease never deletes a successor's claim or answer.
-- KEYS[1] the key's record
-- ARGV[1] this request's claim token
-- Returns 1 when released, 0 otherwise.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local ok, record = pcall(cjson.decode, current)
if not ok or type(record) ~= 'table' or record.token ~= ARGV[1] then
  return 0
end
if record.response ~= nil and record.response ~= cjson.null then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
