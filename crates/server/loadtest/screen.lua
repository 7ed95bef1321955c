-- wrk script: POST /v1/screen with one query per request, cycling through the bodies in $BODIES
-- (one JSON request body per line) with the key in $KEY. Non-2xx answers are counted by wrk.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local key = os.getenv("KEY")
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["X-Purpose"] = "load test"
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  return wrk.format(nil, "/v1/screen", nil, bodies[(n % #bodies) + 1])
end
