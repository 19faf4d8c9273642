import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { GROUPS } from '../../../src/broker/coordinator/service.ts';
import { OFFSETS_TOPIC } from '../../../src/broker/coordinator/offset-store.ts';
import { decodeRecordBatch, iterateBatches } from '../../../src/protocol/records/record-batch.ts';
import { decodeKey, decodeOffsetValue } from '../../../src/broker/coordinator/offset-records.ts';

let tb: TestBroker | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await tb?.stop();
  tb = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('GroupService on a live broker', () => {
  it('keeps committed offsets in the compacted internal topic, in Kafka key/value format', async () => {
    tb = await startTestBroker();
    const groups = tb.broker.service(GROUPS);
    await groups.whenLoaded();
    expect(tb.broker.topic(OFFSETS_TOPIC)?.configs['cleanup.policy']).toBe('compact');
    expect(groups.coordinator.validateCommit('svc', '', -1, null)).toBe(0);
    await groups.offsets.commit('svc', [{ topic: 't', partition: 1, offset: 77n, leaderEpoch: -1, metadata: 'x' }]);
    const log = tb.broker.partitions.get(OFFSETS_TOPIC, 0)!;
    const read = log.read(0, { maxBytes: 1 << 20 });
    const records = read.chunks.flatMap((c) => [...iterateBatches(c)]).flatMap((b) => decodeRecordBatch(b.bytes).records);
    expect(records).toHaveLength(1);
    expect(decodeKey(records[0]!.key!)).toEqual({ kind: 'offset', group: 'svc', topic: 't', partition: 1 });
    expect(decodeOffsetValue(records[0]!.value!)).toMatchObject({ offset: 77n, metadata: 'x' });
  });

  it('reloads offsets and groups from the topic after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-svc-'));
    dirs.push(dataDir);
    tb = await startTestBroker({ dataDir });
    await tb.broker.service(GROUPS).offsets.commit('svc', [{ topic: 't', partition: 0, offset: 5n, leaderEpoch: -1, metadata: '' }]);
    await tb.stop();
    tb = await startTestBroker({ dataDir });
    const groups = tb.broker.service(GROUPS);
    await groups.whenLoaded();
    expect(groups.offsets.loading).toBe(false);
    expect(groups.offsets.get('svc', 't', 0)?.offset).toBe(5n);
    expect(groups.coordinator.group('svc')?.state).toBe('Empty');
  });
});
