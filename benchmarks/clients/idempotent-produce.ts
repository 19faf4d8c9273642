/*
 * Idempotent vs plain produce with the wire client, in one run against one broker process — the
 * issue's target: idempotent produce within 10% of non-idempotent.
 *
 *   node bin/run-ts.js benchmarks/clients/idempotent-produce.ts [--records N] [--pairs K] [--size B]
 *
 * Defaults: 200,000 records of 100 B per run, 5 pairs. Both runs use acks=all (idempotence
 * requires it), one partition, the same producer path as the broker suite's produce-wire
 * workloads (benchmarks/broker/clients.ts wireProduce: 10,000-record send() calls, one after
 * another, the clock after the first acknowledged record).
 *
 * Interleaving: pair i runs plain then idempotent for even i, idempotent then plain for odd i,
 * each into a fresh topic, so warm-up, page cache and other load on the shared machine fall on
 * both sides alike. After an untimed warm-up of each, it prints one line per run and then the
 * medians, the ratio of medians and the per-pair ratios (idempotent / plain records/s). The load
 * average is printed at start and end: figures from a busy machine are noisy.
 */
import { loadavg } from 'node:os';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { withBenchAdmin } from '../lib/bench-clients.ts';
import { median } from '../lib/suite.ts';
import { wireProduce, type ClientRun } from '../broker/clients.ts';

interface Args {
  readonly records: number;
  readonly pairs: number;
  readonly size: number;
}

function parseArgs(argv: readonly string[]): Args {
  const out = { records: 200_000, pairs: 5, size: 100 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const v = Number(argv[i + 1]);
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${flag} needs a positive whole number, got ${argv[i + 1]}`);
    if (flag === '--records') out.records = v;
    else if (flag === '--pairs') out.pairs = v;
    else if (flag === '--size') out.size = v;
    else throw new Error(`unknown option ${flag}; see the comment at the top of benchmarks/clients/idempotent-produce.ts`);
  }
  return out;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const fmt = (n: number): string => `${Math.round(n / 1000)}k`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const broker = await startBrokerProcess();
  let seq = 0;
  const once = async (idempotent: boolean, records: number): Promise<number> => {
    const topic = `idem-bench-${idempotent ? 'idem' : 'plain'}-${seq++}`;
    await withBenchAdmin(broker.bootstrap, (a) => a.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }], { failIfExists: true }));
    const run: ClientRun = { bootstrap: broker.bootstrap, topic, records, timeoutMs: 300_000 };
    try {
      return records / (await wireProduce(run, args.size, -1, idempotent));
    } finally {
      await withBenchAdmin(broker.bootstrap, (a) => a.deleteTopics([topic])).catch(() => {});
    }
  };
  try {
    console.log(`broker ${broker.bootstrap}; ${args.pairs} pairs × ${args.records.toLocaleString('en-US')} records × ${args.size} B, acks=all; load average ${load()}`);
    await once(false, 20_000);
    await once(true, 20_000);
    const plain: number[] = [];
    const idem: number[] = [];
    for (let i = 0; i < args.pairs; i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const idempotent of order) {
        const rate = await once(idempotent, args.records);
        (idempotent ? idem : plain).push(rate);
        console.log(`  pair ${i + 1} ${idempotent ? 'idempotent' : 'plain     '} ${fmt(rate).padStart(7)} rec/s`);
      }
    }
    const ratios = plain.map((p, i) => idem[i]! / p);
    console.log(`median plain ${fmt(median(plain))} rec/s, idempotent ${fmt(median(idem))} rec/s, ratio ${(median(idem) / median(plain)).toFixed(3)}`);
    console.log(`per-pair ratios ${ratios.map((r) => r.toFixed(3)).join(' ')}; load average ${load()}`);
  } finally {
    await broker.stop();
  }
}

await main();
