/*
 * broker-rss-non-reading-fetchers: the broker process's resident memory while clients pipeline
 * large fetches and never read their sockets — the load the response memory budget exists for
 * (src/broker/response-queue.ts, memory-budget.ts).
 *
 * Per run, on a fresh broker process:
 *   1 produce DATA_MIB (8 MiB) of 1 KiB records into a 1-partition topic (wire Produce v7);
 *   2 idle: VmRSS after 1 s                                               → rssIdleMb;
 *   3 FETCHERS (10) raw connections each send PIPELINED (100) Fetch v11 requests for up to
 *     FETCH_MIB (8 MiB) from offset 0 in one write and never read; VmRSS is sampled every
 *     SAMPLE_MS for HOLD_MS (6 s)                                         → rssPeakMb (max sample);
 *     meanwhile one normal Metadata round trip on its own connection      → metadataMs;
 *   4 the fetchers disconnect; VmRSS 1.5 s later                          → rssAfterCloseMb.
 * Without muting each fetcher could queue PIPELINED × FETCH_MIB (800 MiB); with it, at most its
 * per-connection limit plus one reply. The row's records/seconds are the records produced in
 * step 1 (a by-product).
 */
import { connect, type Socket } from 'node:net';
import { encodeRequest } from '../../src/protocol/frames.ts';
import { buildRecordBatch } from '../../src/protocol/records/record-batch.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { result, type WorkloadResult } from '../lib/results.ts';
import { failedResult } from '../lib/suite.ts';
import { readProcMemory } from './proc-status.ts';

export const RSS_NON_READING_WORKLOAD = 'broker-rss-non-reading-fetchers';

const DATA_MIB = 8;
const FETCHERS = 10;
const PIPELINED = 100;
const FETCH_MIB = 8;
const HOLD_MS = 6000;
const SAMPLE_MS = 100;
const TOPIC = 'rss-hog';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round1 = (n: number): number => Math.round(n * 10) / 10;

async function open(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('error', reject);
  });
  return s;
}

/** Sends one framed request and resolves with the first response frame. */
function roundTrip(s: Socket, frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        s.off('data', onData);
        resolve();
      }
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error('connection closed before the response')));
    s.write(frame);
  });
}

function fetchFrame(correlationId: number): Buffer {
  const max = FETCH_MIB * 1024 * 1024;
  return encodeRequest(
    { apiKey: 1, apiVersion: 11, correlationId, clientId: 'rss-hog' },
    {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: max, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: max }] }],
      forgottenTopicsData: [], rackId: '',
    },
  );
}

export async function runRssNonReading(log: (line: string) => void): Promise<WorkloadResult> {
  const broker = await startBrokerProcess();
  const hogs: Socket[] = [];
  try {
    const port = Number(broker.bootstrap.split(':').at(-1));
    const rss = (): number => readProcMemory(broker.pid).rssMb;
    const producer = await open(port);
    const started = performance.now();
    const perBatch = 256;
    const batches = (DATA_MIB * 1024) / perBatch;
    for (let i = 0; i < batches; i++) {
      const records = buildRecordBatch(Array.from({ length: perBatch }, (_, j) => ({ key: Buffer.from(`k${j}`), value: Buffer.alloc(1024, i) })));
      await roundTrip(producer, encodeRequest({ apiKey: 0, apiVersion: 7, correlationId: i + 1, clientId: 'rss-load' }, {
        transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      }));
    }
    const seconds = (performance.now() - started) / 1000;
    const records = batches * perBatch;
    await sleep(1000);
    const idleMb = rss();

    for (let i = 0; i < FETCHERS; i++) {
      const s = await open(port);
      s.pause(); // never read: the kernel buffers fill, then the broker's queue
      s.write(Buffer.concat(Array.from({ length: PIPELINED }, (_, j) => fetchFrame(j + 1))));
      hogs.push(s);
    }
    let peakMb = 0;
    const sampler = setInterval(() => {
      peakMb = Math.max(peakMb, rss());
    }, SAMPLE_MS);
    const mdStart = performance.now();
    await roundTrip(producer, encodeRequest({ apiKey: 3, apiVersion: 4, correlationId: 1_000_000, clientId: 'rss-normal' }, { topics: null, allowAutoTopicCreation: false }));
    const metadataMs = performance.now() - mdStart;
    await sleep(HOLD_MS);
    clearInterval(sampler);
    peakMb = Math.max(peakMb, rss());
    for (const s of hogs.splice(0)) s.destroy();
    producer.destroy();
    await sleep(1500);
    const afterCloseMb = rss();
    log(`  broker-rss-non-reading-fetchers idle ${round1(idleMb)} MB, peak ${round1(peakMb)} MB with ${FETCHERS} non-reading fetchers, ${round1(afterCloseMb)} MB after they closed; Metadata meanwhile ${Math.round(metadataMs)} ms`);
    return result(RSS_NON_READING_WORKLOAD, records, records * 1024, seconds, {
      metrics: { rssIdleMb: round1(idleMb), rssPeakMb: round1(peakMb), rssAfterCloseMb: round1(afterCloseMb), metadataMs: Math.round(metadataMs) },
      note: `MiB; ${FETCHERS} clients × ${PIPELINED} pipelined ${FETCH_MIB} MiB fetches, never read, for ${HOLD_MS / 1000} s; records/s = the setup produce`,
    });
  } catch (err) {
    return failedResult(RSS_NON_READING_WORKLOAD, `failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    for (const s of hogs) s.destroy();
    await broker.stop();
  }
}
