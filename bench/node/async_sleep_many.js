// (j) 100k timers of 1.0 s at once; the overhead is everything above 1.0 s.
const N = 100000;

async function sleeper() {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return 1;
}

async function main() {
  const start = performance.now();
  const tasks = [];
  for (let i = 0; i < N; i++) tasks.push(sleeper());
  const done = (await Promise.all(tasks)).reduce((a, b) => a + b, 0);
  const elapsed = (performance.now() - start) / 1000;
  console.log("slept", done);
  console.log("info: overhead_s", Math.round((elapsed - 1.0) * 1000) / 1000);
}

main();
