/*
 * `tributary broker` as a child process on 127.0.0.1, for tests that kill it with SIGKILL (a real
 * crash: no close(), no clean-shutdown marker) and restart it on the same data dir and port, and
 * `fetchBatches` to read back what a partition holds. `stopAll()` kills every child still
 * running; call it from afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { decodeRecords, type DecodedBatch } from '../../src/protocol/records/record-batch.ts';
import { RawClient } from '../broker/raw-client.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** SIGKILL, resolved once the process has exited. */
  kill(): Promise<void>;
}

/** Starts a broker (fsync acks-all) on `port` (0: ephemeral); resolves once it listens. */
export async function spawnBroker(dataDir: string, port = 0): Promise<BrokerProcess> {
  const child = spawn(process.execPath, ['bin/tributary.js', 'broker', '--data-dir', dataDir, '--port', String(port), '--fsync', 'acks-all'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const listening = await new Promise<number>((resolvePort, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`broker child exited with ${code} before listening:\n${out}\n${err}`)));
  });
  return {
    child,
    port: listening,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export function stopAll(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Every batch of a partition, read with Fetch v11 from offset 0. */
export async function fetchBatches(port: number, topic: string, partition: number): Promise<DecodedBatch[]> {
  const c = await RawClient.connect(port);
  const out: DecodedBatch[] = [];
  try {
    for (let offset = 0; ; ) {
      const res = await c.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 10 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: 10 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = res.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`fetching ${topic}-${partition} at ${offset}: error ${p.errorCode}`);
      const batches = decodeRecords(p.records).filter((b) => b.header.baseOffset + b.header.lastOffsetDelta >= offset);
      if (batches.length === 0) return out;
      out.push(...batches);
      const last = batches.at(-1)!.header;
      offset = last.baseOffset + last.lastOffsetDelta + 1;
    }
  } finally {
    c.close();
  }
}
