// (g) 100k async tasks that each yield to the event loop once, then Promise.all.
// setImmediate is the sleep(0) analog: a bare `await null` is only a microtask.
const N = 100000;

async function worker(i) {
  await new Promise((resolve) => setImmediate(resolve));
  return i;
}

async function main() {
  const tasks = [];
  for (let i = 0; i < N; i++) tasks.push(worker(i));
  const results = await Promise.all(tasks);
  console.log(results.length, results.reduce((a, b) => a + b, 0));
}

main();
