/*
 * Nightly record fuzzing: the CI suite's generators and oracles (test/broker/fuzz/record-fuzz-core.ts)
 * for many more cases, with a fresh seed each night unless one is given. Not part of `npm run
 * bench`; run it as
 *
 *   node bin/run-ts.js benchmarks/broker/record-fuzz-nightly.ts [batchCases=20000] [frameCases=20000] [seed]
 *
 * Exits 0 when every oracle held, 1 (printing the seed and fast-check's counterexample) otherwise:
 *   - no batch the strict decoder rejects is acknowledged;
 *   - the broker answers or closes on every frame and never crashes;
 *   - afterwards every partition reads back whole with our decoder and kcat, and the gzip/none
 *     topic with kafka-python (/usr/bin/python3), which has no snappy/lz4/zstd libraries here;
 *   - broker RSS after the run is printed, to spot leaks across nights.
 */
import fc from 'fast-check';
import { startTestBroker } from '../../src/testing/broker-harness.ts';
import { kcatConsumeAll, python } from '../../test/conformance/helpers/clients.ts';
import { RawClient } from '../../test/broker/raw-client.ts';
import { batchCase, buildCase, frameCase, produceOne, readAllStrictly, sendFrameAndSettle, strictlyDecodes } from '../../test/broker/fuzz/record-fuzz-core.ts';

const batchRuns = Number(process.argv[2] ?? 20_000);
const frameRuns = Number(process.argv[3] ?? 20_000);
const seed = Number(process.argv[4] ?? Date.now() % 2_147_483_647);
const TOPICS = ['nightly-fuzz', 'nightly-fuzz-codecs'] as const;
const PARTITIONS = 4;

async function main(): Promise<void> {
  const tb = await startTestBroker();
  const c = await RawClient.connect(tb.port);
  const started = Date.now();
  const counts = { accepted: 0, refused: 0 };
  try {
    await c.request(19, 4, {
      topics: TOPICS.map((name) => ({ name, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    await fc.assert(
      fc.asyncProperty(batchCase, async (bc) => {
        const batch = buildCase(bc);
        const decodable = strictlyDecodes(batch);
        const codec = batch.length > 22 ? batch.readInt16BE(21) & 7 : 0;
        const code = await produceOne(c, TOPICS[codec <= 1 ? 0 : 1], bc.partition % PARTITIONS, Buffer.from(batch));
        if (code === 0 && !decodable) throw new Error('the broker acknowledged a batch the strict decoder rejects');
        counts[code === 0 ? 'accepted' : 'refused']++;
      }),
      { numRuns: batchRuns, seed },
    );
    await fc.assert(
      fc.asyncProperty(frameCase, ({ frame }) => sendFrameAndSettle(tb.port, frame)),
      { numRuns: frameRuns, seed },
    );
    for (const topic of TOPICS) {
      const read = await readAllStrictly(c, topic, PARTITIONS);
      const total = read.reduce((n, p) => n + p.records, 0);
      if (read.some((p) => p.records !== p.highWatermark)) throw new Error(`${topic}: records read ≠ high watermark: ${JSON.stringify(read)}`);
      const viaKcat = await kcatConsumeAll(tb.bootstrap, topic, ['-X', 'isolation.level=read_uncommitted']);
      if (viaKcat.length !== total) throw new Error(`${topic}: kcat read ${viaKcat.length} of ${total} records`);
      if (topic === TOPICS[0]) {
        const [done] = await python<{ received: number }>('kafka_python_read_all.py', [tb.bootstrap, topic]);
        if (done?.received !== total) throw new Error(`${topic}: kafka-python read ${done?.received} of ${total} records`);
      }
    }
    const rssMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    process.stdout.write(
      `record fuzz: seed ${seed}, ${batchRuns} batches (${counts.accepted} acknowledged, ${counts.refused} refused), ` +
        `${frameRuns} frames, ${Math.round((Date.now() - started) / 1000)} s, RSS ${rssMiB} MiB: all oracles held\n`,
    );
  } finally {
    c.close();
    await tb.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`record fuzz FAILED (seed ${seed}): ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
