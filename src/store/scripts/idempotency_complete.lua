#!lua
-- Stores the response of a claimed Idempotency-Key, only for the request that
-- holds the claim: the record under KEYS[1] must carry this request's token
-- (or be gone: the lease ran out and no other request claimed the key, so the
-- response is still the key's first). A request that outlived its lease and
-- lost the key to a successor never overwrites the successor's claim or answer.
-- KEYS[1] the key's record
-- ARGV[1] this request's claim token, ARGV[2] the record with its response
-- (JSON), ARGV[3] the record's TTL ms
-- Returns 1 when stored, 0 when another request holds the key.
local current = redis.call('GET', KEYS[1])
if current then
  local ok, record = pcall(cjson.decode, current)
  if not ok or type(record) ~= 'table' or record.token ~= ARGV[1] then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
