-- wrk: each request a random line of the file $URLS (bench/public-search.sh).
local paths = {}
for line in io.lines(os.getenv("URLS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter * 7919) % #paths + 1])
end
