/*
 * Benchmark: the per-record state store path through the full decorator stack.
 *
 *   Metered(String key, Long value) → Caching → ChangeLogging → InMemory | LevelDB
 *
 * Workload (a count aggregation): for each record, get(key) then put(key, count + 1), keys drawn
 * uniformly from a key space; every `commitEvery` records the numbered commit runs:
 * flushCache() (cache → changelog collector → backing store) then commit(changelogOffset)
 * (LevelDB: one db.batch()). The collector only counts records (no network).
 *
 * Reports records/s (each record = one get + one put) and the average and total commit cost of
 * the second of two runs per scenario (the first warms up the JIT).
 * Usage: node bin/run-ts.js benchmarks/state-store.ts [records=200000] [keys=10000] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Serdes } from '../src/streams/serde/serdes.ts';
import { Stores } from '../src/streams/state/stores.ts';
import type { KeyValueBytesStoreSupplier } from '../src/streams/state/stores.ts';
import type { StoreContext } from '../src/streams/state/store-types.ts';

interface Scenario {
  label: string;
  supplier: (name: string) => KeyValueBytesStoreSupplier;
  /** Cache bound in bytes, or undefined for caching off. */
  cacheBytes: number | undefined;
}

interface Result {
  scenario: string;
  records: number;
  keys: number;
  recordsPerSec: number;
  commits: number;
  commitAvgMs: number;
  commitTotalMs: number;
  changelogRecords: number;
}

const args = process.argv.slice(2);
const jsonIndex = args.indexOf('--json');
const jsonPath = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const positional = args.filter((_, i) => jsonIndex < 0 || (i !== jsonIndex && i !== jsonIndex + 1));
const records = Number(positional[0] ?? 200_000);
const keySpace = Number(positional[1] ?? 10_000);
const commitEvery = 1000;

const scenarios: Scenario[] = [
  { label: 'memory, cache 10 MiB', supplier: Stores.inMemoryKeyValueStore, cacheBytes: 10 * 1024 * 1024 },
  { label: 'memory, no cache', supplier: Stores.inMemoryKeyValueStore, cacheBytes: undefined },
  { label: 'leveldb, cache 10 MiB', supplier: Stores.persistentKeyValueStore, cacheBytes: 10 * 1024 * 1024 },
  { label: 'leveldb, cache 64 KiB (evicting)', supplier: Stores.persistentKeyValueStore, cacheBytes: 64 * 1024 },
  { label: 'leveldb, no cache', supplier: Stores.persistentKeyValueStore, cacheBytes: undefined },
];

async function run(scenario: Scenario): Promise<Result> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-bench-state-'));
  let changelogRecords = 0;
  const context: StoreContext = {
    applicationId: 'bench',
    taskId: '0_0',
    partition: 0,
    stateDir,
    changelogTopic: 'bench-counts-changelog',
    collector: { send: () => void changelogRecords++ },
    currentTimestamp: () => 0,
    metrics: { record() {} },
  };
  const builder = Stores.keyValueStoreBuilder(scenario.supplier('counts'), Serdes.string(), Serdes.int64());
  if (scenario.cacheBytes !== undefined) builder.withCachingEnabled(scenario.cacheBytes);
  const store = builder.build();
  await store.init(context);
  const keys = Array.from({ length: keySpace }, (_, i) => `key-${i}`);
  let seed = 42;
  const nextKey = (): string => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return keys[seed % keySpace]!;
  };
  let commits = 0;
  let commitMs = 0;
  const start = performance.now();
  for (let i = 1; i <= records; i++) {
    const key = nextKey();
    store.put(key, (store.get(key) ?? 0) + 1);
    if (i % commitEvery === 0) {
      const commitStart = performance.now();
      store.flushCache();
      await store.commit(changelogRecords);
      commitMs += performance.now() - commitStart;
      commits++;
    }
  }
  const elapsed = performance.now() - start;
  // sanity: the counts add up to the number of records
  let total = 0;
  for (const { value } of store.all()) total += value;
  if (total !== records) {
    throw new Error(`benchmark bug: counts sum to ${total}, expected ${records}`);
  }
  await store.close();
  rmSync(stateDir, { recursive: true, force: true });
  return {
    scenario: scenario.label,
    records,
    keys: keySpace,
    recordsPerSec: Math.round(records / (elapsed / 1000)),
    commits,
    commitAvgMs: Number((commitMs / Math.max(commits, 1)).toFixed(3)),
    commitTotalMs: Math.round(commitMs),
    changelogRecords,
  };
}

const results: Result[] = [];
for (const scenario of scenarios) {
  await run(scenario); // warm-up: let the JIT settle before measuring
  results.push(await run(scenario));
}
console.log(`state store: ${records} records (get + put each), ${keySpace} keys, commit every ${commitEvery}`);
console.table(results.map(({ scenario, recordsPerSec, commitAvgMs, commitTotalMs, changelogRecords }) => ({
  scenario,
  'records/s': recordsPerSec,
  'commit avg ms': commitAvgMs,
  'commit total ms': commitTotalMs,
  'changelog records': changelogRecords,
})));
if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify({ benchmark: 'state-store', results }, null, 2)}\n`);
