/*
 * Partition log throughput: append and read of 100 B and 1 KiB records, batched like a producer
 * with batch.size ≈ 16 KiB, with and without fsync.
 *
 *   append, fsync never      acks=1 path: validate (CRC-32C) + write(2) per batch
 *   append, acks-all x1      one producer waiting for each fsync before sending the next batch
 *   append, acks-all x64     64 in-flight acks=-1 appends sharing group-commit fsyncs
 *   read                     sequential fetches of 1 MiB (and 64 KiB) from offset 0 to the end
 *   tail                     a consumer at the log end: append one batch, fetch it, repeat
 *
 * Run: node bin/run-ts.js benchmarks/log-append.ts [--seconds 2]
 * Prints records/s and MB/s (payload = batch bytes incl. headers) per case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PartitionLog } from '../src/broker/log/partition-log.ts';
import { FlushScheduler } from '../src/broker/log/flush-scheduler.ts';
import type { FsyncPolicy } from '../src/broker/log/log-config.ts';
import { BATCH_HEADER_SIZE, Offsets, updateCrc } from '../src/protocol/records/batch-header.ts';
import { writeVarintAt, writeVarlongNumberAt, sizeOfVarint } from '../src/util/varint.ts';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;

/** An uncompressed v2 batch of `count` records with `valueSize`-byte values and no keys. */
function makeBatch(count: number, valueSize: number): Buffer {
  const inner = 1 + 1 + sizeOfVarint(count) + 1 + sizeOfVarint(valueSize) + valueSize + 1;
  const recSize = sizeOfVarint(inner) + inner;
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + recSize * count);
  let p = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    p = writeVarintAt(batch, p, inner);
    batch.writeInt8(0, p++);
    p = writeVarlongNumberAt(batch, p, 0);
    p = writeVarintAt(batch, p, i);
    p = writeVarintAt(batch, p, -1);
    p = writeVarintAt(batch, p, valueSize);
    batch.fill(i & 0xff, p, p + valueSize);
    p += valueSize;
    p = writeVarintAt(batch, p, 0);
  }
  batch.writeInt32BE(batch.length - 12, Offsets.batchLength);
  batch.writeInt8(2, Offsets.magic);
  batch.writeInt32BE(count - 1, Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(Date.now()), Offsets.baseTimestamp);
  batch.writeBigInt64BE(BigInt(Date.now()), Offsets.maxTimestamp);
  batch.writeBigInt64BE(-1n, Offsets.producerId);
  batch.writeInt16BE(-1, Offsets.producerEpoch);
  batch.writeInt32BE(-1, Offsets.baseSequence);
  batch.writeInt32BE(count, Offsets.recordCount);
  updateCrc(batch);
  return batch;
}

interface Result {
  name: string;
  records: number;
  bytes: number;
  seconds: number;
}

function report(r: Result): void {
  const rps = r.records / r.seconds;
  const mbps = r.bytes / r.seconds / 1e6;
  console.log(`${r.name.padEnd(40)} ${Math.round(rps).toLocaleString('en-US').padStart(12)} rec/s ${mbps.toFixed(1).padStart(9)} MB/s`);
}

function withLog<T>(fsync: FsyncPolicy, fn: (log: PartitionLog) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-log-'));
  const log = PartitionLog.open({ dir, fsync, flusher: new FlushScheduler(), config: { segmentBytes: 256 * 1024 * 1024 } });
  return fn(log).finally(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

async function appendCase(name: string, batch: Buffer, count: number, fsync: FsyncPolicy, inFlight: number): Promise<Result> {
  return withLog(fsync, async (log) => {
    let records = 0;
    let bytes = 0;
    const start = process.hrtime.bigint();
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const info = log.append(batch);
        records += count;
        bytes += batch.length;
        if (fsync !== 'never') await log.waitDurable(info.lastOffset);
        else if ((records / count) % 512 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { name, records, bytes, seconds };
  });
}

async function readCase(name: string, batch: Buffer, count: number, maxBytes: number): Promise<Result> {
  return withLog('never', async (log) => {
    const target = 256 * 1024 * 1024;
    while (log.sizeInBytes < target) log.append(batch);
    let records = 0;
    let bytes = 0;
    const start = process.hrtime.bigint();
    const deadline = Date.now() + SECONDS * 1000;
    while (Date.now() < deadline) {
      let offset = 0;
      while (offset < log.logEndOffset && Date.now() < deadline) {
        const r = log.read(offset, { maxBytes });
        bytes += r.bytes;
        const batches = Math.round(r.bytes / batch.length);
        records += batches * count;
        offset += batches * count;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { name, records, bytes, seconds };
  });
}

async function tailCase(name: string, batch: Buffer, count: number): Promise<Result> {
  return withLog('never', async (log) => {
    let records = 0;
    let bytes = 0;
    const start = process.hrtime.bigint();
    const deadline = Date.now() + SECONDS * 1000;
    let offset = 0;
    while (Date.now() < deadline) {
      log.append(batch);
      const r = log.read(offset, { maxBytes: 1024 * 1024 });
      bytes += r.bytes;
      records += count;
      offset = log.logEndOffset;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { name, records, bytes, seconds };
  });
}

const cases: Array<[string, number, number]> = [
  ['100 B', 140, 100],
  ['1 KiB', 16, 1024],
];
console.log(`partition log, ${SECONDS}s per case, node ${process.version}, ${os.cpus().length} cpus, tmpdir ${os.tmpdir()}`);
for (const [label, count, size] of cases) {
  const batch = makeBatch(count, size);
  console.log(`-- ${label} records, ${count} per batch (${batch.length} B batches)`);
  report(await appendCase(`append ${label}, fsync never`, batch, count, 'never', 1));
  report(await appendCase(`append ${label}, acks-all, 1 in flight`, batch, count, 'acks-all', 1));
  report(await appendCase(`append ${label}, acks-all, 64 in flight`, batch, count, 'acks-all', 64));
  report(await readCase(`read ${label}, 1 MiB fetches`, batch, count, 1024 * 1024));
  report(await readCase(`read ${label}, 64 KiB fetches`, batch, count, 64 * 1024));
  report(await tailCase(`tail ${label}, append + fetch`, batch, count));
}
