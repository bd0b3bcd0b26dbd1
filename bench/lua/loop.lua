-- (b) Sum of i*i for i in [0, 10M). Lua 5.4 integers wrap at 2^63, so the
-- printed sum differs from Python's exact one; the work is the same.
local function main(n)
  local total = 0
  for i = 0, n - 1 do
    total = total + i * i
  end
  return total
end

print(main(10000000))
