-- (d) benchmarks game binary-trees, single-threaded, max depth 16.
-- A tree is a {left, right} array; a leaf is an empty table.
local function make_tree(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make_tree(depth), make_tree(depth) }
end

local function check_tree(tree)
  if tree[1] == nil then return 1 end
  return 1 + check_tree(tree[1]) + check_tree(tree[2])
end

local function main(max_depth)
  local min_depth = 4
  local stretch = max_depth + 1
  print("stretch tree of depth", stretch, "check:", check_tree(make_tree(stretch)))
  local long_lived = make_tree(max_depth)
  for depth = min_depth, max_depth, 2 do
    local iterations = 1 << (max_depth - depth + min_depth)
    local check = 0
    for _ = 1, iterations do
      check = check + check_tree(make_tree(depth))
    end
    print(iterations, "trees of depth", depth, "check:", check)
  end
  print("long lived tree of depth", max_depth, "check:", check_tree(long_lived))
end

main(16)
