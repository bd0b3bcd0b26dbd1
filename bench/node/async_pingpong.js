// (h) 1M messages = 500k round trips over two unbounded promise channels.
const ROUND_TRIPS = 500000;

// An unbounded queue like asyncio.Queue: get() waits when it is empty.
class Channel {
  constructor() {
    this.items = [];
    this.waiters = [];
  }
  put(x) {
    if (this.waiters.length) this.waiters.shift()(x);
    else this.items.push(x);
  }
  get() {
    if (this.items.length) return Promise.resolve(this.items.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

async function pinger(outQ, inQ, n) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    outQ.put(i);
    total += await inQ.get();
  }
  return total;
}

async function ponger(inQ, outQ, n) {
  for (let i = 0; i < n; i++) {
    const x = await inQ.get();
    outQ.put(x + 1);
  }
}

async function main() {
  const ping = new Channel();
  const pong = new Channel();
  const [total] = await Promise.all([
    pinger(ping, pong, ROUND_TRIPS),
    ponger(ping, pong, ROUND_TRIPS),
  ]);
  console.log(2 * ROUND_TRIPS, total);
}

main();
