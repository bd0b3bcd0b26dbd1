// (i) 5M awaits of an async function that returns at once.
const N = 5000000;

async function f() {
  return 1;
}

async function main() {
  let total = 0;
  for (let i = 0; i < N; i++) total += await f();
  console.log(total);
}

main();
