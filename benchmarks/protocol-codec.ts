/*
 * Protocol codec throughput on the two hot paths:
 *
 *   Produce v7 request   decode (broker side) and encode (client side): 1 topic × 4 partitions,
 *                        one 16 KiB record batch each. Decoding must not touch record bytes
 *                        (the records field is a subarray of the frame).
 *   Fetch v11 response   encode as chunks (zero-copy: stored batches passed through), encode as
 *                        one Buffer (one concat), and decode (client side): 1 topic × 8
 *                        partitions, 64 KiB of stored batches each, aborted-transaction lists empty.
 *
 * Run: node bin/run-ts.js benchmarks/protocol-codec.ts [--seconds 1]
 * Prints ops/s and the frame size per case. A script, not a test: numbers depend on the machine.
 */
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, encodeResponseChunks } from '../src/protocol/frames.ts';
import { buildRecordBatch } from '../src/protocol/records/record-batch.ts';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1;

function bench(name: string, bytes: number, fn: () => unknown): void {
  // Warm up so the compiled plans and V8's optimizer are in steady state.
  for (let i = 0; i < 2000; i++) fn();
  const deadline = performance.now() + SECONDS * 1000;
  let ops = 0;
  let sink: unknown;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 200; i++) sink = fn();
    ops += 200;
  }
  const elapsed = (performance.now() - start) / 1000;
  void sink;
  const perSec = ops / elapsed;
  console.log(
    `${name.padEnd(40)} ${Math.round(perSec).toLocaleString('en-US').padStart(12)} ops/s   ` +
      `${((perSec * bytes) / 1e6).toFixed(0).padStart(7)} MB/s of frames   (${bytes} B frame)`,
  );
}

function batchOf(totalBytes: number, valueSize: number): Buffer {
  const count = Math.max(1, Math.floor(totalBytes / (valueSize + 10)));
  const value = Buffer.alloc(valueSize, 0x61);
  return buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value, timestamp: 1_700_000_000_000 + i })),
    { timestamp: 1_700_000_000_000 },
  );
}

// Produce v7 request.
const produceBatch = batchOf(16 * 1024, 100);
const produceBody = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'bench-topic', partitionData: [0, 1, 2, 3].map((index) => ({ index, records: produceBatch })) }],
};
const produceFrame = encodeRequest({ apiKey: 0, apiVersion: 7, correlationId: 1, clientId: 'bench' }, produceBody);
const produceNoPrefix = produceFrame.subarray(4);

bench('Produce v7 request: decode', produceFrame.length, () => decodeRequest(produceNoPrefix));
bench('Produce v7 request: encode', produceFrame.length, () =>
  encodeRequest({ apiKey: 0, apiVersion: 7, correlationId: 1, clientId: 'bench' }, produceBody),
);

// Fetch v11 response.
const stored = [batchOf(32 * 1024, 200), batchOf(32 * 1024, 200)];
const fetchBody = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: [
    {
      topic: 'bench-topic',
      partitions: Array.from({ length: 8 }, (_, partitionIndex) => ({
        partitionIndex,
        errorCode: 0,
        highWatermark: 100000n,
        lastStableOffset: 100000n,
        logStartOffset: 0n,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: stored,
      })),
    },
  ],
};
const target = { requestApiKey: 1 as const, correlationId: 7 };
const fetchFrame = encodeResponse(target, 11, fetchBody);
const fetchNoPrefix = fetchFrame.subarray(4);

bench('Fetch v11 response: encode (chunks)', fetchFrame.length, () => encodeResponseChunks(target, 11, fetchBody));
bench('Fetch v11 response: encode (one Buffer)', fetchFrame.length, () => encodeResponse(target, 11, fetchBody));
bench('Fetch v11 response: decode', fetchFrame.length, () => decodeResponse(1, 11, fetchNoPrefix));
