// Micro-benchmark: CPU ns per key-value put on the metered in-memory store stack without and with
// an IQv2 StorePosition (two writes per record, a fresh record metadata object per record, as a
// StreamTask gives), in interleaved pairs. Run: node bin/run-ts.js benchmarks/streams/store-position-put.ts
import { Stores } from '../../src/streams/state/stores.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { StorePosition } from '../../src/streams/iq/v2/store-position.ts';
const S = Serdes.string();
let meta = { topic: 'in', partition: 0, offset: 0 };
async function make(withPosition: boolean) {
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), S, S).withCachingDisabled().build();
  const position = withPosition ? new StorePosition({ current: () => meta, flushing: () => undefined }) : undefined;
  await store.init({ applicationId: 'a', taskId: '0_0', partition: 0, stateDir: '/tmp', changelogTopic: 'a-s-changelog', collector: { send() {} }, currentTimestamp: () => 0, metrics: { record() {}, latency: false }, position });
  return store;
}
const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
const N = 200_000;
function run(store: Awaited<ReturnType<typeof make>>): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    meta = { topic: 'in', partition: 0, offset: i }; // a fresh metadata object per record, as the task does
    store.put(keys[i % 1000]!, 'v');
    store.put(keys[(i + 1) % 1000]!, 'w'); // a second write of the same record
  }
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) / (2 * N)) * 1000; // ns per put
}
const a = await make(false), b = await make(true);
for (let w = 0; w < 3; w++) { run(a); run(b); }
const ra: number[] = [], rb: number[] = [];
for (let r = 0; r < 10; r++) { ra.push(run(a)); rb.push(run(b)); }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
console.log(`put ns (CPU), median of 10 interleaved pairs: no position ${med(ra).toFixed(0)}, with position ${med(rb).toFixed(0)}; pairs ${ra.map((v, i) => `${v.toFixed(0)}/${rb[i]!.toFixed(0)}`).join(' ')}`);
