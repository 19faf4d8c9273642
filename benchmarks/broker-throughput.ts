/*
 * Broker throughput: produce and consume records/s and MB/s against the bundled broker, with
 * three clients — kafkajs 2.2.4, confluent-kafka-python (librdkafka 2.0.2) and the project's own
 * wire client — for 100 B and 1 KiB values, produce with acks 1 and -1.
 *
 * Setup, chosen to match /work/shared/PEERS.md's peer figures: one broker (`tributary broker`,
 * default options: fsync before acks=all is acknowledged) in its own process, a fresh data dir,
 * one topic per run with 1 partition, null keys, the client in another process (kafkajs and the
 * wire client run in this script's process, librdkafka in benchmarks/clients/confluent_bench.py).
 * Each consume run reads back the topic its client just produced.
 *
 * Clocks: produce from the first send to the last acknowledgement (librdkafka and the wire client
 * look up the topic's metadata first; without that, librdkafka's first metadata round trip added
 * a ~0.9 s stall to some runs). Consume from the moment the client starts fetching (after
 * kafkajs's group join; librdkafka and the wire client assign partitions directly) to the last
 * record.
 *
 * Run:  node bin/run-ts.js benchmarks/broker-throughput.ts [--records 200000] [--runs 3]
 *            [--sizes 100,1024] [--clients kafkajs,librdkafka,wire]
 * Prints a table of medians over the runs and writes every sample to
 * benchmarks/results/broker-throughput-<ISO time>.json. A script, not a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createTopics } from '../src/client/wire/admin.ts';
import { WireCluster } from '../src/client/wire/cluster.ts';
import { WireConsumer } from '../src/client/wire/consumer.ts';
import { WireProducer, type ProducerRecord } from '../src/client/wire/producer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const RECORDS = Number(arg('records', '200000'));
const RUNS = Number(arg('runs', '3'));
const SIZES = arg('sizes', '100,1024').split(',').map(Number);
const CLIENTS = arg('clients', 'kafkajs,librdkafka,wire').split(',');

interface Sample {
  client: string;
  op: 'produce' | 'consume';
  size: number;
  acks: number | null;
  records: number;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// The broker under test, in its own process.

async function startBroker(dataDir: string): Promise<{ bootstrap: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'bin/tributary.js'), 'broker', '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${out}`)));
  });
  return { bootstrap, child };
}

// ---------------------------------------------------------------------------------------------
// Clients.

const quiet = { logLevel: logLevel.NOTHING };

async function kafkajsProduce(bootstrap: string, topic: string, size: number, acks: number): Promise<number> {
  const producer = new Kafka({ clientId: 'bench', brokers: [bootstrap], ...quiet }).producer();
  await producer.connect();
  const value = Buffer.alloc(size, 120);
  const perSend = 1000;
  const inFlight = 8;
  const messages = Array.from({ length: perSend }, () => ({ value }));
  const start = performance.now();
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < RECORDS) {
      const n = Math.min(perSend, RECORDS - sent);
      sent += n;
      await producer.send({ topic, acks, messages: n === perSend ? messages : messages.slice(0, n) });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  await producer.disconnect();
  return seconds;
}

async function kafkajsConsume(bootstrap: string, topic: string): Promise<number> {
  const consumer = new Kafka({ clientId: 'bench', brokers: [bootstrap], ...quiet }).consumer({ groupId: `bench-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let start = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    start = performance.now();
  });
  let received = 0;
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        if (received >= RECORDS) resolve((performance.now() - start) / 1000);
      },
    });
  });
  await consumer.disconnect();
  return seconds;
}

async function confluent(args: string[]): Promise<number> {
  const script = join(root, 'benchmarks/clients/confluent_bench.py');
  const child = spawn('/usr/bin/python3', [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`confluent_bench.py ${args.join(' ')} exited with ${code}`);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number }).seconds;
}

async function wireProduce(bootstrap: string, topic: string, size: number, acks: -1 | 1): Promise<number> {
  const cluster = new WireCluster({ bootstrap, clientId: 'bench' });
  const producer = new WireProducer(cluster, { acks });
  const value = Buffer.alloc(size, 120);
  const chunk = 10_000;
  const records: ProducerRecord[] = Array.from({ length: chunk }, () => ({ value }));
  await cluster.topic(topic); // metadata before the clock, as the librdkafka run does
  const start = performance.now();
  for (let sent = 0; sent < RECORDS; sent += chunk) {
    await producer.send(topic, sent + chunk <= RECORDS ? records : records.slice(0, RECORDS - sent));
  }
  const seconds = (performance.now() - start) / 1000;
  cluster.close();
  return seconds;
}

async function wireConsume(bootstrap: string, topic: string): Promise<number> {
  const cluster = new WireCluster({ bootstrap, clientId: 'bench' });
  const consumer = new WireConsumer(cluster, { partitionMaxBytes: 4 * 1024 * 1024 });
  const start = performance.now();
  await consumer.assign(topic, 'earliest');
  let received = 0;
  while (received < RECORDS) received += (await consumer.poll()).length;
  const seconds = (performance.now() - start) / 1000;
  cluster.close();
  return seconds;
}

// ---------------------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-'));
  const { bootstrap, child } = await startBroker(dataDir);
  const admin = new WireCluster({ bootstrap, clientId: 'bench-admin' });
  const samples: Sample[] = [];
  let topicSeq = 0;
  const newTopic = async (label: string): Promise<string> => {
    const name = `bench-${label}-${topicSeq++}`;
    await createTopics(admin, [{ name, numPartitions: 1, replicationFactor: 1 }]);
    return name;
  };
  const record = (s: Omit<Sample, 'records'>): void => {
    samples.push({ ...s, records: RECORDS });
    const rate = RECORDS / s.seconds;
    console.error(
      `  ${s.client.padEnd(10)} ${s.op.padEnd(8)} ${String(s.size).padStart(5)} B  acks ${String(s.acks ?? '-').padStart(2)}  ` +
        `${Math.round(rate).toLocaleString('en-US').padStart(10)} rec/s  ${((rate * s.size) / 1e6).toFixed(1).padStart(7)} MB/s`,
    );
  };
  try {
    // Runs are interleaved (client by client inside each repetition) so that machine noise
    // spreads over all clients instead of hitting one pass.
    for (let run = 0; run < RUNS; run++) {
      console.error(`run ${run + 1}/${RUNS} (${RECORDS} records each)`);
      for (const size of SIZES) {
        for (const acks of [1, -1] as const) {
          for (const client of CLIENTS) {
            const topic = await newTopic(`${client}-${size}-${acks === -1 ? 'all' : acks}`);
            if (client === 'kafkajs') {
              record({ client, op: 'produce', size, acks, seconds: await kafkajsProduce(bootstrap, topic, size, acks) });
              if (acks === -1) record({ client, op: 'consume', size, acks: null, seconds: await kafkajsConsume(bootstrap, topic) });
            } else if (client === 'librdkafka') {
              record({ client, op: 'produce', size, acks, seconds: await confluent(['produce', bootstrap, topic, String(RECORDS), String(size), String(acks)]) });
              if (acks === -1) record({ client, op: 'consume', size, acks: null, seconds: await confluent(['consume', bootstrap, topic, String(RECORDS)]) });
            } else if (client === 'wire') {
              record({ client, op: 'produce', size, acks, seconds: await wireProduce(bootstrap, topic, size, acks) });
              if (acks === -1) record({ client, op: 'consume', size, acks: null, seconds: await wireConsume(bootstrap, topic) });
            } else {
              throw new Error(`unknown client ${client}: use kafkajs, librdkafka or wire`);
            }
          }
        }
      }
    }
  } finally {
    admin.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }

  // Medians per (client, op, size, acks).
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = `${s.client}|${s.op}|${s.size}|${s.acks}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const rows = [...groups.values()].map((g) => {
    const s = g[0]!;
    const rates = g.map((x) => x.records / x.seconds);
    const rate = median(rates);
    return {
      client: s.client,
      op: s.op,
      size: s.size,
      acks: s.acks,
      recordsPerSec: Math.round(rate),
      mbPerSec: Number(((rate * s.size) / 1e6).toFixed(1)),
      minRecordsPerSec: Math.round(Math.min(...rates)),
      maxRecordsPerSec: Math.round(Math.max(...rates)),
      runs: g.length,
    };
  });
  const k = (n: number): string => `${Math.round(n / 1000).toLocaleString('en-US')}k`;
  console.log('| client | op | value size | acks | records/s (median) | MB/s | range over runs |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.client} | ${r.op} | ${r.size} B | ${r.acks ?? '–'} | ${r.recordsPerSec.toLocaleString('en-US')} | ${r.mbPerSec} | ` +
        `${k(r.minRecordsPerSec)}–${k(r.maxRecordsPerSec)} |`,
    );
  }
  // The 1-minute load average before and after: other work on a shared machine skews the numbers.
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
  };
  console.error(`machine: ${JSON.stringify(machine)}`);
  const outDir = join(root, 'benchmarks/results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `broker-throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ machine, records: RECORDS, runs: RUNS, medians: rows, samples }, null, 2));
  console.error(`wrote ${file}`);
}

await main();
