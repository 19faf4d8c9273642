// reuse.ktable.source.topics end to end on the bundled broker (src/streams/graph/source-nodes.ts,
// src/streams/runtime/source-changelogs.ts, src/streams/task/source-restore-check.ts): a source
// table's LevelDB store gets no "-changelog" topic; an instance started on an empty state
// directory restores the table from the source topic, up to the committed offset only (a price
// produced while no instance ran is processed as input, not restored), skipping the record the
// deserialization handler skipped while processing (KAFKA-8037); an instance restarted on its
// own state directory restores nothing (its checkpoint is the committed offset).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClientFactory } from '../../src/client/client-factory.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { DeserializationHandlers } from '../../src/streams/errors/deserialization-handler.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const APP = 'reuse-source-topic';
const S = Serdes.string();
const I = Serdes.int32();

function pricedOrders() {
  const b = new StreamsBuilder();
  const prices = b.table('prices', Consumed.with(S, I), Materialized.as<string, number>('prices-store').withStoreType('leveldb'));
  b.stream('orders', Consumed.with(S, S))
    .join(prices, (order, price) => `${order}@${price}`)
    .to('priced', Produced.with(S, S));
  return b.build({ topologyOptimization: 'reuse.ktable.source.topics' });
}

const int32 = (n: number) => Buffer.from(I.serialize('prices', n)!);
const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);

describe('reuse.ktable.source.topics on the broker', () => {
  const bed = useStreamsTestBed(APP);

  it('creates no changelog topic and restores the table from its source topic up to the committed offset', async () => {
    for (const t of ['prices', 'orders', 'priced']) await bed.io.createTopic(t, 2);
    const clients = createClientFactory({ bootstrapServers: [bed.broker.bootstrap], clientId: 'reuse-check', logLevel: 'nothing' });
    const admin = clients.admin();
    const priced = async () => (await bed.io.readAll('priced')).map((r) => `${r.key!.toString()}=${r.value!.toString()}`).sort();
    const orders = async (tag: string, ts: number) => bed.io.produce('orders', keys.map((k): InputRecord => ({ key: k, value: tag, timestamp: ts })));
    const handler = { deserializationHandler: DeserializationHandlers.logAndContinue({ warn: () => {}, error: () => {} }) };
    const dirs: string[] = [];
    const freshDir = () => {
      const d = mkdtempSync(join(tmpdir(), 'tributary-reuse-'));
      dirs.push(d);
      return d;
    };
    try {
      // 10 prices, an update of k0, and a 3-byte value no int32 deserializer accepts.
      await bed.io.produce('prices', [
        ...keys.map((k, i): InputRecord => ({ key: k, value: int32(i), timestamp: 10 })),
        { key: 'k0', value: int32(100), timestamp: 11 },
        { key: 'k5', value: Buffer.from([1, 2, 3]), timestamp: 12 },
      ]);
      const dirA = freshDir();
      const first = bed.app(pricedOrders(), { stateDir: dirA, ...handler });
      await first.start();
      await orders('a', 1000);
      await waitFor(async () => (await priced()).length === 10, 'ten priced orders');
      expect(await priced()).toEqual(keys.map((k, i) => `${k}=a@${k === 'k0' ? 100 : i}`).sort());
      await first.close(); // commits the prices topic's offsets

      const topics = await admin.listTopics();
      expect(topics.filter((t) => t.startsWith(APP))).toEqual([]); // no "-changelog" (nor any internal) topic
      expect(topics).not.toContain(`${APP}-prices-store-changelog`);

      // Produced while no instance runs: after the committed offset, so input, not restore.
      await bed.io.produce('prices', [{ key: 'k1', value: int32(200), timestamp: 500 }]);

      const second = bed.app(pricedOrders(), { stateDir: freshDir(), ...handler });
      await second.start();
      await orders('b', 2000);
      await waitFor(async () => (await priced()).length === 20, 'ten more priced orders');
      const after = (await priced()).filter((r) => r.includes('=b@'));
      expect(after).toEqual(keys.map((k, i) => `${k}=b@${k === 'k0' ? 100 : k === 'k1' ? 200 : i}`).sort());
      // 10 prices + the k0 update; the undeserializable k5 record skipped; k1=200 processed, not restored.
      expect(second.restoredRecords).toBe(11);
      await second.close();

      // The same state directory again: the checkpoint is the committed offset, nothing to restore.
      const third = bed.app(pricedOrders(), { stateDir: second.config.stateDir, ...handler });
      await third.start();
      await orders('c', 3000);
      await waitFor(async () => (await priced()).length === 30, 'ten more priced orders');
      expect(third.restoredRecords).toBe(0);
      expect((await admin.listTopics()).filter((t) => t.startsWith(APP))).toEqual([]);
    } finally {
      await admin.disconnect();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);
});
