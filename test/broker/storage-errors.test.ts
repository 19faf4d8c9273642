// Disk failures answer as Kafka does: CreateTopics KAFKA_STORAGE_ERROR for the topic, and an
// OffsetCommit whose __consumer_offsets append fails on the disk NOT_COORDINATOR (Kafka's
// GroupMetadataManager mapping; clients retry it), never UNKNOWN_SERVER_ERROR. The failure is
// injected at the storage seam (an ENOSPC from the write) since a full disk cannot be made here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';
import { storageError } from '../../src/broker/log/log-errors.ts';
import { RawClient } from './raw-client.ts';

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

let tb: TestBroker;
let c: RawClient;
beforeEach(async () => {
  tb = await startTestBroker();
  c = await RawClient.connect(tb.port);
});
afterEach(async () => {
  vi.restoreAllMocks();
  c.close();
  await tb.stop();
});

describe('storage failures', () => {
  it('CreateTopics answers KAFKA_STORAGE_ERROR when the disk is full', async () => {
    vi.spyOn(tb.broker.topics, 'persist').mockRejectedValue(enospc());
    const res = await c.request(19, 4, {
      topics: [{ name: 'no-room', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(res.topics[0]).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: expect.stringContaining('ENOSPC') });
  });

  it('OffsetCommit answers NOT_COORDINATOR when the offsets append fails on the disk', async () => {
    const { offsets } = tb.broker.service(GROUPS);
    await c.request(3, 4, { topics: [{ name: 'committed' }], allowAutoTopicCreation: true });
    vi.spyOn(offsets, 'commit').mockRejectedValue(storageError('__consumer_offsets-0', 'writing the batch at offset 0', enospc()));
    const res = await c.request(8, 2, {
      groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
      topics: [{ name: 'committed', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }] }],
    });
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
