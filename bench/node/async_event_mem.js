// (k) 200k async functions parked on one shared promise (the Event analog).
// bytes_per_task = (RSS with all parked - RSS before) / N. bench/run starts
// node with --expose-gc so both readings follow a full collection.
const N = 200000;
let parked = 0;

function collect() {
  if (global.gc) global.gc();
}

async function waiter(event) {
  parked++;
  await event;
  return 1;
}

async function main() {
  let set;
  const event = new Promise((resolve) => { set = resolve; });
  const tasks = [];
  collect();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < N; i++) tasks.push(waiter(event));
  collect();
  const after = process.memoryUsage().rss;
  set();
  const released = (await Promise.all(tasks)).reduce((a, b) => a + b, 0);
  console.log("parked", parked, "released", released);
  console.log("info: bytes_per_task", Math.floor((after - before) / N));
}

main();
