// The global thread against in-memory stand-ins for its admin and consumer: bootstrap reaches the
// end offset even when the log ends with non-data records (the consumer's position moves past
// them), the stream thread's start signal comes only after that, later records keep the store
// current, and a checkpoint the log no longer backs wipes the stores instead of trusting them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssignedPartition, TopicPartition } from '../../../../src/client/types.ts';
import { DeserializationHandlers } from '../../../../src/streams/errors/deserialization-handler.ts';
import { checkpointKey, writeCheckpoint } from '../../../../src/streams/runtime/global/global-checkpoint.ts';
import { GlobalStateManager } from '../../../../src/streams/runtime/global/global-state-manager.ts';
import { GlobalStreamThread, type GlobalDeps } from '../../../../src/streams/runtime/global/global-stream-thread.ts';
import { parseStreamsConfig } from '../../../../src/streams/runtime/streams-config.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { KeyValueStore } from '../../../../src/streams/state/store-types.ts';
import type { ValueAndTimestamp } from '../../../../src/streams/state/value-and-timestamp.ts';
import type { PortRecord } from '../../../../src/streams/runtime/client-port.ts';
import { waitFor } from '../../../integration/streams-helpers.ts';

/** One partition of "table": data records, plus offsets with no record (control records, compaction gaps). */
class FakeLog {
  readonly records: PortRecord[] = [];
  end = 0;
  /** The last stable offset while a transaction is open (a read_committed reader stops there). */
  openTransactionFrom: number | undefined;

  get stable(): number {
    return this.openTransactionFrom ?? this.end;
  }

  append(key: string, value: string): void {
    this.records.push({ topic: 'table', partition: 0, offset: this.end, timestamp: 1000 + this.end, key: Buffer.from(key), value: Buffer.from(value), headers: {} });
    this.end++;
  }

  deps(): GlobalDeps {
    const log = this;
    let position = 0;
    return {
      admin: () => ({
        connect: async () => {},
        disconnect: async () => {},
        describeTopics: async (topics) => topics.filter((t) => t === 'table').map((topic) => ({ topic, partitions: 1 })),
        listOffsets: async (tps: readonly TopicPartition[], spec, options) =>
          tps.map((tp) => ({ ...tp, offset: spec === 'earliest' ? 0 : options?.isolation === 'read_committed' ? log.stable : log.end })),
      }),
      consumer: () => ({
        connect: async () => {},
        disconnect: async () => {},
        assign: async (tps: readonly AssignedPartition[]) => void (position = tps[0]?.offset ?? 0),
        position: () => position,
        poll: async (max: number) => {
          const records = log.records.filter((r) => r.offset >= position && r.offset < log.stable).slice(0, max);
          // The fetch moves past everything it read, records or not, up to the last stable offset.
          position = log.stable;
          await new Promise((r) => setTimeout(r, 5));
          return records.length === 0 ? [] : [{ topic: 'table', partition: 0, records }];
        },
      }),
    };
  }
}

describe('GlobalStreamThread', () => {
  let dir: string;
  let warnings: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-global-thread-'));
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function start(log: FakeLog) {
    const b = new StreamsBuilder();
    b.globalTable('table', Consumed.with(Serdes.string(), Serdes.string()), Materialized.as('table-store'));
    const config = parseStreamsConfig({ applicationId: 'app', bootstrapServers: 'h:1', stateDir: dir, pollMs: 10, commitIntervalMs: 20, cacheMaxBytes: 0 });
    const logger = { warn: (m: string) => warnings.push(m), error: () => {} };
    const manager = new GlobalStateManager(b.build(), { ...config, defaultStoreType: config.dslStoreSuppliers, metrics: undefined, deserializationHandler: DeserializationHandlers.logAndFail(logger), logger }, join(dir, 'app'));
    const events = { bootstrapped: 0, fatal: [] as Error[] };
    const thread = new GlobalStreamThread(config, log.deps(), manager, logger, {
      onBootstrapped: () => events.bootstrapped++,
      onFatal: (e) => events.fatal.push(e),
      onRetry: (e) => warnings.push(e.message),
    });
    thread.start();
    const get = (k: string) => (manager.store('table-store') as KeyValueStore<string, ValueAndTimestamp<string>> | undefined)?.get(k)?.value;
    return { thread, manager, events, get };
  }

  it('bootstraps past trailing non-data offsets, signals once, then follows new records', async () => {
    const log = new FakeLog();
    log.append('a', '1');
    log.append('b', '2');
    log.end += 2; // e.g. two transaction markers
    const g = start(log);
    await waitFor(() => g.events.bootstrapped === 1, 'the bootstrap signal');
    expect([g.get('a'), g.get('b')]).toEqual(['1', '2']);
    expect(g.thread.bootstrapRecords).toBe(2);
    expect(g.manager.position('table', 0)).toBe(4);
    log.append('a', '3');
    await waitFor(() => g.get('a') === '3', 'the update after the bootstrap');
    await g.thread.stop();
    expect(g.events).toEqual({ bootstrapped: 1, fatal: [] });
  });

  it('bootstraps to the last stable offset: an open transaction on the global topic does not hold the start', async () => {
    const log = new FakeLog();
    log.append('a', '1');
    log.openTransactionFrom = log.end;
    log.append('a', 'uncommitted');
    const g = start(log);
    await waitFor(() => g.events.bootstrapped === 1, 'the bootstrap signal');
    expect(g.get('a')).toBe('1');
    log.openTransactionFrom = undefined; // committed
    await waitFor(() => g.get('a') === 'uncommitted', 'the committed record');
    await g.thread.stop();
    expect(g.events.fatal).toEqual([]);
  });

  it('restarts from its checkpoint, and wipes stores whose checkpoint the log no longer backs', async () => {
    const log = new FakeLog();
    log.append('a', '1');
    log.append('b', '2');
    const first = start(log);
    await waitFor(() => first.events.bootstrapped === 1, 'the first bootstrap');
    await first.thread.stop();

    log.append('c', '3');
    const second = start(log);
    await waitFor(() => second.events.bootstrapped === 1, 'the second bootstrap');
    expect(second.thread.bootstrapRecords).toBe(1);
    expect(second.get('a')).toBe('1');
    await second.thread.stop();

    // A checkpoint beyond the log's end (topic recreated): not trusted.
    writeCheckpoint(join(dir, 'app', 'global'), new Map([[checkpointKey('table', 0), 99]]));
    const third = start(log);
    await waitFor(() => third.events.bootstrapped === 1, 'the bootstrap after the wipe');
    expect(warnings.some((w) => /checkpoint 99, log \[0, 3\].*wiping the global stores/.test(w))).toBe(true);
    expect(third.thread.bootstrapRecords).toBe(3);
    expect([third.get('a'), third.get('b'), third.get('c')]).toEqual(['1', '2', '3']);
    await third.thread.stop();
  });
});
