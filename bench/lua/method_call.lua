-- (c) One object, method add(x) called 5M times through its metatable.
local Counter = {}
Counter.__index = Counter

function Counter.new()
  return setmetatable({ count = 0 }, Counter)
end

function Counter:add(x)
  self.count = self.count + x
  return self
end

local function main(n)
  local c = Counter.new()
  for i = 0, n - 1 do
    c:add(i)
  end
  return c.count
end

print(main(5000000))
