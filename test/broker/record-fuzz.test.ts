// Record fuzzing against a broker in this process (bounded, runs in CI; the long run is
// benchmarks/broker/record-fuzz-nightly.ts): batches with valid CRCs over mutated records and
// lying headers, and frames with a valid header for every API the broker serves. The broker never
// crashes, never acknowledges a batch the strict decoder rejects, and afterwards every partition
// reads back whole with our decoder, kcat (librdkafka) and kafka-python. kafka-python here has no
// snappy/lz4/zstd libraries, so batches with those codecs go to a second topic that it skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcatConsumeAll, python } from '../conformance/helpers/clients.ts';
import { RawClient } from './raw-client.ts';
import { batchCase, buildCase, frameCase, produceOne, readAllStrictly, SERVED_API_VERSIONS, sendFrameAndSettle, strictlyDecodes } from './fuzz/record-fuzz-core.ts';

const TOPIC = 'record-fuzz';
const CODEC_TOPIC = 'record-fuzz-codecs';
const PARTITIONS = 2;

let tb: TestBroker;
let c: RawClient;
beforeAll(async () => {
  tb = await startTestBroker();
  c = await RawClient.connect(tb.port);
  await c.request(19, 4, {
    topics: [TOPIC, CODEC_TOPIC].map((name) => ({ name, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] })),
    timeoutMs: 1000,
    validateOnly: false,
  });
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

describe('record fuzz', () => {
  it('acknowledges only batches the strict decoder reads, and every partition stays readable by every client', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(batchCase, async (bc) => {
        const batch = buildCase(bc);
        const decodable = strictlyDecodes(batch);
        const codec = batch.length > 22 ? batch.readInt16BE(21) & 7 : 0;
        const topic = codec <= 1 ? TOPIC : CODEC_TOPIC;
        const code = await produceOne(c, topic, bc.partition % PARTITIONS, Buffer.from(batch));
        if (code === 0) {
          accepted++;
          expect(decodable).toBe(true);
        } else refused++;
      }),
      { numRuns: 150, seed: 20261207 },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);

    const totals = new Map<string, number>();
    for (const topic of [TOPIC, CODEC_TOPIC]) {
      const read = await readAllStrictly(c, topic, PARTITIONS);
      for (const p of read) expect(p.records).toBe(p.highWatermark);
      totals.set(topic, read.reduce((n, p) => n + p.records, 0));
      const viaKcat = await kcatConsumeAll(tb.bootstrap, topic, ['-X', 'isolation.level=read_uncommitted']);
      expect(viaKcat).toHaveLength(totals.get(topic)!);
    }
    const [done] = await python<{ received: number; end: number }>('kafka_python_read_all.py', [tb.bootstrap, TOPIC]);
    expect(done).toEqual({ type: 'done', received: totals.get(TOPIC), end: totals.get(TOPIC) });
  });

  it(`answers or closes on frames with a valid header for each of the ${SERVED_API_VERSIONS} served API versions`, async () => {
    await fc.assert(
      fc.asyncProperty(frameCase, ({ frame }) => sendFrameAndSettle(tb.port, frame)),
      { numRuns: 200, seed: 20261208 },
    );
    // The broker still answers, and the fuzzed topic is still whole.
    expect((await c.request(18, 0, {})).errorCode).toBe(0);
    for (const topic of [TOPIC, CODEC_TOPIC]) {
      for (const p of await readAllStrictly(c, topic, PARTITIONS)) expect(p.records).toBe(p.highWatermark);
    }
  });
});
