-- (f) 1M int inserts then 1M lookups. The keys are a scattered permutation
-- of [0, 2^32), so they live in the table's hash part, not its array part.
local function main(n)
  local d = {}
  for i = 0, n - 1 do
    d[(i * 2654435761) % 4294967296] = i
  end
  local total = 0
  for i = 0, n - 1 do
    total = total + d[(i * 2654435761) % 4294967296]
  end
  print(n, total)
end

main(1000000)
