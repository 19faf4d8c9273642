/*
 * CPU cost per record of a windowed count's store work, with and without the window record
 * cache — the store half of `streamcountwindowed` vs `streamcountwindowed-nocache`, without the
 * broker, the client or the task. Per record (keys pseudo-random over 10,000, timestamps 1 ms
 * apart, as the SimpleBenchmark loader stamps them) and per hopping window (1 s, advancing
 * 500 ms): fetch the window's ValueAndTimestamp count, put count + 1 — what
 * time-window-aggregate.ts does. Retention is size + grace (1 s, Kafka's default for a windowed
 * aggregation with no grace), segments 60 s. Changelog records go to a collector that counts
 * them; the cache is the 10 MiB default and is flushed every `commitEvery` records, as commits
 * would.
 *
 * Figures: CPU time (user + system) per record and GC pause time per record, per run; runs alternate cached / uncached in one process (interleaved pairs), so machine load
 * affects both alike. CPU time barely moves with load, unlike wall time.
 * Usage: node bin/run-ts.js benchmarks/streams/window-cache-cpu.ts [records=300000] [pairs=3] [cached|uncached]
 * (the third argument runs one side only, e.g. under `node --cpu-prof`).
 */
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { uniformInts } from '../lib/data-loader.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { ThreadCache } from '../../src/streams/state/cache/thread-cache.ts';
import type { StoreContext } from '../../src/streams/state/store-types.ts';
import { WindowStores } from '../../src/streams/state/window/window-stores.ts';

const KEYS = 10_000;
const SIZE = 1000;
const ADVANCE = 500;
const COMMIT_EVERY = 30_000;

interface RunResult {
  readonly cpuUsPerRecord: number;
  /** GC pause time per record (wall time: under load it includes time descheduled). */
  readonly gcUsPerRecord: number;
  readonly changelogRecords: number;
}

async function run(cached: boolean, records: number): Promise<RunResult> {
  const supplier = WindowStores.inMemoryWindowStore(cached ? 'cached' : 'uncached', { retentionMs: SIZE, windowSizeMs: SIZE });
  const builder = WindowStores.timestampedWindowStoreBuilder(supplier, Serdes.int32(), Serdes.int64());
  const cache = cached ? new ThreadCache() : undefined;
  if (cached) builder.withCachingEnabled();
  const store = builder.build(cache === undefined ? undefined : { cacheMaxBytes: cache.maxBytes, threadCache: cache });
  let changelogRecords = 0;
  const clock = { now: 0 };
  const context: StoreContext = {
    applicationId: 'bench',
    taskId: '0_0',
    partition: 0,
    stateDir: '/nonexistent',
    changelogTopic: undefined,
    collector: { send: () => void changelogRecords++ },
    currentTimestamp: () => clock.now,
    metrics: { record() {}, latency: false },
  };
  await store.init(context);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const nextKey = uniformInts(1, KEYS); // the loader's key sequence
  const start = process.cpuUsage();
  for (let i = 0; i < records; i++) {
    const key = nextKey();
    const t = i;
    clock.now = t;
    for (let w = Math.max(0, Math.floor((t - SIZE) / ADVANCE) + 1) * ADVANCE; w <= t; w += ADVANCE) {
      const previous = store.fetch(key, w);
      store.put(key, { value: (previous?.value ?? 0) + 1, timestamp: previous === undefined ? t : Math.max(t, previous.timestamp) }, w);
    }
    if ((i + 1) % COMMIT_EVERY === 0) store.flushCache();
  }
  store.flushCache();
  const used = process.cpuUsage(start);
  await new Promise((r) => setTimeout(r, 0)); // let the observer deliver the last gc entries
  observer.disconnect();
  await store.close();
  const cpuMs = (used.user + used.system) / 1000;
  return { cpuUsPerRecord: (cpuMs * 1000) / records, gcUsPerRecord: (gcMs * 1000) / records, changelogRecords };
}

const records = Number(process.argv[2] ?? 300_000);
const pairs = Number(process.argv[3] ?? 3);
const only = process.argv[4];
if (only !== undefined && only !== 'cached' && only !== 'uncached') throw new Error(`the third argument is cached or uncached, got ${only}`);
if (only !== 'uncached') await run(true, Math.min(records, 50_000)); // warm-up: compile the paths
if (only !== 'cached') await run(false, Math.min(records, 50_000));
const rows: string[] = [];
for (let p = 0; p < pairs; p++) {
  for (const cached of p % 2 === 0 ? [true, false] : [false, true]) {
    if (only !== undefined && cached !== (only === 'cached')) continue;
    const r = await run(cached, records);
    rows.push(`| ${p + 1} | ${cached ? 'cached' : 'uncached'} | ${r.cpuUsPerRecord.toFixed(2)} | ${r.gcUsPerRecord.toFixed(2)} | ${r.changelogRecords} |`);
  }
}
console.log(`window-cache-cpu: ${records} records, load ${loadavg()[0]!.toFixed(1)}`);
console.log('| pair | store | CPU µs / record | GC pause µs / record | changelog records |\n|---|---|---:|---:|---:|');
for (const row of rows) console.log(row);
