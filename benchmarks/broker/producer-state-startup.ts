/*
 * Broker start-up on a long transactional log: how long Broker.start() takes (in this process,
 * from the call to its return: every partition opened, producer state and transactions restored,
 * __consumer_offsets and __transaction_state loaded) on a data dir holding one topic of
 * PARTITIONS partitions with RECORDS records in total across many 1 MiB segments: idempotent
 * batches of 100 records (50-byte values) from 8 producers, and every 50th batch a transactional
 * one followed by a COMMIT or (every third) ABORT marker.
 *
 *   node bin/run-ts.js benchmarks/broker/producer-state-startup.ts load DATA_DIR [RECORDS]
 *   node bin/run-ts.js benchmarks/broker/producer-state-startup.ts start DATA_DIR   → "startMs N"
 *
 * `load` writes the segments directly through PartitionLog (not timed); the first `start` after
 * it finds no producer-state snapshot nor .txnindex and rebuilds them (the upgrade path), so run
 * one untimed `start` first. Each `start` closes the broker cleanly. To compare two builds, run
 * `start` alternately from each checkout on the same DATA_DIR (interleaved pairs) and note the
 * load average: the machine is shared.
 */
import path from 'node:path';
import { Broker, silentLogger } from '../../src/broker/broker.ts';
import { PartitionLog } from '../../src/broker/log/partition-log.ts';
import { buildRecordBatch } from '../../src/protocol/records/record-batch.ts';
import { buildControlBatch, ControlType } from '../../src/protocol/records/control.ts';

const TOPIC = 'startup';
const PARTITIONS = 4;
const PER_BATCH = 100;
const PRODUCERS = 8;

async function load(dataDir: string, records: number): Promise<void> {
  const broker = await Broker.start({ dataDir, port: 0 }, { logger: silentLogger });
  await broker.topicManager.create({ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, configs: [{ name: 'segment.bytes', value: String(1 << 20) }] });
  await broker.close();
  const value = Buffer.alloc(50, 'v');
  for (let p = 0; p < PARTITIONS; p++) {
    const log = PartitionLog.open({ dir: path.join(dataDir, `${TOPIC}-${p}`), config: { segmentBytes: 1 << 20 }, fsync: 'never' });
    const seqs = new Array<number>(PRODUCERS + 1).fill(0);
    const batches = Math.ceil(records / PARTITIONS / PER_BATCH);
    for (let b = 0; b < batches; b++) {
      const txn = b % 50 === 49;
      const pid = txn ? PRODUCERS : b % PRODUCERS;
      const batch = buildRecordBatch(
        Array.from({ length: PER_BATCH }, () => ({ value })),
        { producerId: BigInt(1000 + pid), producerEpoch: 0, baseSequence: seqs[pid]!, transactional: txn },
      );
      seqs[pid]! += PER_BATCH;
      log.append(batch);
      if (txn) {
        const type = b % 150 === 149 ? ControlType.Abort : ControlType.Commit;
        log.append(buildControlBatch({ producerId: BigInt(1000 + pid), producerEpoch: 0, type, coordinatorEpoch: 0 }), { origin: 'coordinator' });
      }
    }
    await log.close();
  }
}

async function start(dataDir: string): Promise<void> {
  const t0 = performance.now();
  const broker = await Broker.start({ dataDir, port: 0 }, { logger: silentLogger });
  const ms = performance.now() - t0;
  await broker.close();
  process.stdout.write(`startMs ${ms.toFixed(1)}\n`);
}

const [mode, dataDir, records] = process.argv.slice(2);
if (dataDir === undefined || (mode !== 'load' && mode !== 'start')) {
  process.stderr.write('usage: producer-state-startup.ts load|start DATA_DIR [RECORDS]\n');
  process.exit(2);
}
if (mode === 'load') await load(dataDir, Number(records ?? 2_000_000));
else await start(dataDir);
