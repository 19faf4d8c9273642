/*
 * The coordinator epoch of transaction markers (Kafka's WriteTxnMarkers CoordinatorEpoch, kept per
 * producer and partition as ProducerStateEntry.coordinatorEpoch), on a running broker:
 *   - the markers EndTxn writes carry this broker's coordinator epoch (0: the leader epoch of
 *     __transaction_state, which never changes on one node), and the partition tracks it;
 *   - a marker from an older coordinator epoch than the producer's last one in that partition is
 *     refused (TRANSACTION_COORDINATOR_FENCED, logged; nothing appended), a newer one is written;
 *   - the tracked epoch survives a clean restart (producer-state snapshot) and a restart whose
 *     snapshots are gone (read back from the markers in the log).
 */
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { readMarker } from '../../../src/broker/log/marker-read.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import { COORDINATOR_EPOCH } from '../../../src/broker/txn/txn-partitions.ts';
import { ControlType } from '../../../src/protocol/records/control.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open, dirs } = cleanupAfterEach();

async function start(dataDir: string, warnings: string[]): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker({ dataDir, deps: { logger: { warn: (m: string) => void warnings.push(m) } } });
  const c = await RawClient.connect(tb.port);
  const o = { tb, c };
  open.push(o);
  return o;
}

async function stop(o: { tb: TestBroker; c: RawClient }): Promise<void> {
  open.splice(open.indexOf(o), 1);
  o.c.close();
  await o.tb.stop();
}

describe('coordinator epoch of transaction markers', () => {
  it('is written into markers, tracked per producer, refuses older coordinators, and survives restarts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'txn-coord-epoch-'));
    dirs.push(dataDir);
    const warnings: string[] = [];
    let o = await start(dataDir, warnings);
    await o.tb.broker.topicManager.create({ name: 'ce', numPartitions: 1, replicationFactor: 1, configs: [] });
    const a = await initTxn(o.c, 'A');
    expect(await addTxnPartitions(o.c, 'A', a, 'ce', [0])).toEqual([0]);
    expect(await produceKeyed(o.c, 'ce', 'k', 'v', { id: 'A', p: a, seq: 0 })).toBe(0);
    expect(await endTxn(o.c, 'A', a, true)).toBe(0);

    const log = () => o.tb.broker.partitions.get('ce', 0)!;
    const partitions = () => o.tb.broker.service(TRANSACTIONS).coordinator.partitions;
    expect(readMarker(log(), 1)).toEqual({ type: ControlType.Commit, coordinatorEpoch: COORDINATOR_EPOCH });
    expect(partitions().peek('ce', 0)!.coordinatorEpochs().get(a.producerId)).toBe(COORDINATOR_EPOCH);

    // A coordinator of a newer epoch writes an ABORT marker; afterwards ours (older) is fenced.
    expect(partitions().writeMarker('ce', 0, a.producerId, a.producerEpoch, false, 3)).not.toBeNull();
    expect(readMarker(log(), 2)).toEqual({ type: ControlType.Abort, coordinatorEpoch: 3 });
    const fenced = () => {
      const leo = log().logEndOffset;
      expect(partitions().writeMarker('ce', 0, a.producerId, a.producerEpoch, true)).toBeNull();
      expect(log().logEndOffset).toBe(leo);
    };
    fenced();
    expect(warnings).toContainEqual(expect.stringMatching(/TRANSACTION_COORDINATOR_FENCED\): coordinator epoch 0 is older than 3/));
    // Another producer in the same partition is not affected.
    const b = await initTxn(o.c, 'B');
    expect(await addTxnPartitions(o.c, 'B', b, 'ce', [0])).toEqual([0]);
    expect(await produceKeyed(o.c, 'ce', 'k', 'w', { id: 'B', p: b, seq: 0 })).toBe(0);
    expect(await endTxn(o.c, 'B', b, true)).toBe(0);
    expect(readMarker(log(), log().logEndOffset - 1).coordinatorEpoch).toBe(COORDINATOR_EPOCH);

    // Clean restart: from the snapshot.
    await stop(o);
    o = await start(dataDir, warnings);
    fenced();
    expect(partitions().peek('ce', 0)!.coordinatorEpochs().get(b.producerId)).toBe(COORDINATOR_EPOCH);

    // Snapshots gone: read back from the markers in the log.
    await stop(o);
    const partitionDir = path.join(dataDir, 'ce-0');
    for (const f of fs.readdirSync(partitionDir)) if (f.endsWith('.snapshot')) fs.rmSync(path.join(partitionDir, f));
    o = await start(dataDir, warnings);
    fenced();
    expect(partitions().writeMarker('ce', 0, a.producerId, a.producerEpoch, true, 3)).not.toBeNull();
  });
});
