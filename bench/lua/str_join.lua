-- (e) 1M tostring(i) stored in a list, then one table.concat.
local function main(n)
  local parts = {}
  for i = 0, n - 1 do
    parts[i + 1] = tostring(i)
  end
  return #table.concat(parts)
end

print(main(1000000))
