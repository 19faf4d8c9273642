/*
 * The clients the broker suite drives, each as "produce N records of S bytes" and "fetch N
 * records back", returning the timed seconds. Where each clock starts and stops:
 *
 *  kafkajs 2.2.4 (this process): produce — 8 concurrent send() loops of 1,000 records each (the
 *    way kafkajs reaches its throughput; one awaited send at a time is latency-bound), clock from
 *    the first send to the last acknowledgement, after connect(). fetch — a group consumer with
 *    eachBatch; clock from GROUP_JOIN (the group join is not the broker's fetch path) to the
 *    N-th record.
 *  librdkafka 2.0.2 via confluent-kafka-python (/usr/bin/python3, its own process,
 *    benchmarks/clients/confluent_bench.py): produce — metadata looked up before the clock (without
 *    it librdkafka's first metadata round trip added a ~0.9 s stall to some runs), clock from the
 *    first produce() to the end of flush(); linger.ms 5, batch.num.messages 10,000. fetch —
 *    assign() from the beginning (no group), clock from assign() to the N-th record, with
 *    queued.min.messages / queued.max.messages.kbytes raised (its default pauses fetching at 100k queued messages). The clock runs
 *    inside Python, so interpreter start-up is not timed.
 *  wire (src/client through createClientFactory, this process): produce — send() of
 *    10,000-record arrays one after another (the producer splits them into ≤ 900 KiB batches);
 *    before the clock one record is sent and acknowledged so the producer has its metadata (the
 *    topic then holds N + 1 records). fetch — the assign-only consumer from the earliest offset,
 *    poll() until N; 4 MiB per partition per fetch.
 *
 * Every call gives up after `timeoutMs`, closing its client, and rejects saying where it was.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { ProducerRecord } from '../../src/client/types.ts';
import { benchClients } from '../lib/bench-clients.ts';
import { repoRoot } from '../lib/results.ts';
import type { Acks, Client } from './matrix.ts';

export interface ClientRun {
  readonly bootstrap: string;
  readonly topic: string;
  readonly records: number;
  readonly timeoutMs: number;
}

/** Rejects with `what` when `work` has not settled within `ms`; `onTimeout` releases resources. */
async function within<T>(work: Promise<T>, ms: number, what: () => string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // After a timeout the abandoned work usually rejects (its client was closed): not unhandled.
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`gave up after ${ms} ms: ${what()}`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const quiet = { logLevel: logLevel.NOTHING };

async function kafkajsProduce(run: ClientRun, size: number, acks: Acks): Promise<number> {
  const producer = new Kafka({ clientId: 'bench', brokers: [run.bootstrap], ...quiet }).producer();
  await producer.connect();
  const value = Buffer.alloc(size, 120);
  const perSend = 1000;
  const messages = Array.from({ length: perSend }, () => ({ value }));
  let sent = 0;
  let acked = 0;
  const work = (async () => {
    const start = performance.now();
    const worker = async (): Promise<void> => {
      while (sent < run.records) {
        const n = Math.min(perSend, run.records - sent);
        sent += n;
        await producer.send({ topic: run.topic, acks, messages: n === perSend ? messages : messages.slice(0, n) });
        acked += n;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return (performance.now() - start) / 1000;
  })();
  try {
    return await within(work, run.timeoutMs, () => `kafkajs produce to ${run.topic}: ${acked} of ${run.records} acknowledged`, () => void producer.disconnect());
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

async function kafkajsFetch(run: ClientRun): Promise<number> {
  const consumer = new Kafka({ clientId: 'bench', brokers: [run.bootstrap], ...quiet }).consumer({ groupId: `bench-${run.topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic: run.topic, fromBeginning: true });
  let start = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    start = performance.now();
  });
  let received = 0;
  const work = new Promise<number>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          received += batch.messages.length;
          if (received >= run.records) resolve((performance.now() - start) / 1000);
        },
      })
      .catch(reject);
  });
  try {
    return await within(work, run.timeoutMs, () => `kafkajs fetch from ${run.topic}: ${received} of ${run.records} records`, () => {});
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

/**
 * The wire client's produce (through the client factory, as the runtime uses it); `idempotent`
 * runs the idempotent producer (acks must then be -1), for benchmarks/clients/idempotent-produce.ts.
 */
export async function wireProduce(run: ClientRun, size: number, acks: Acks, idempotent = false): Promise<number> {
  const clients = benchClients(run.bootstrap, 'bench');
  const producer = clients.producer({ acks, idempotent });
  const value = Buffer.alloc(size, 120);
  const chunk = 10_000;
  const records: ProducerRecord[] = Array.from({ length: chunk }, () => ({ topic: run.topic, key: null, value, timestamp: Date.now(), headers: {} }));
  let sent = 0;
  const work = (async () => {
    await producer.connect();
    // Metadata before the clock, as the librdkafka run does: one record sent and acknowledged
    // (the producer's own metadata lookup; untimed, and not counted).
    await producer.send([{ ...records[0]!, topic: run.topic }]);
    const start = performance.now();
    for (; sent < run.records; sent += chunk) {
      await producer.send(sent + chunk <= run.records ? records : records.slice(0, run.records - sent));
    }
    return (performance.now() - start) / 1000;
  })();
  try {
    return await within(work, run.timeoutMs, () => `wire produce to ${run.topic}: ${sent} of ${run.records} sent`, () => void producer.disconnect());
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

async function wireFetch(run: ClientRun): Promise<number> {
  const consumer = benchClients(run.bootstrap, 'bench').assignedConsumer({ maxBytesPerPartition: 4 * 1024 * 1024, maxWaitMs: 500 });
  let received = 0;
  let stop = false;
  const work = (async () => {
    const start = performance.now();
    await consumer.assign([{ topic: run.topic, partition: 0 }]);
    while (received < run.records && !stop) for (const b of await consumer.poll(100_000, 500)) received += b.records.length;
    return (performance.now() - start) / 1000;
  })();
  try {
    return await within(work, run.timeoutMs, () => `wire fetch from ${run.topic}: ${received} of ${run.records} records`, () => {
      stop = true;
      void consumer.disconnect();
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Runs benchmarks/clients/confluent_bench.py with `args`; resolves with its last JSON line. */
export async function confluentBench(args: readonly string[], timeoutMs: number): Promise<Record<string, number | string>> {
  const script = join(repoRoot, 'benchmarks/clients/confluent_bench.py');
  const child = spawn('/usr/bin/python3', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`cannot run /usr/bin/python3 ${script}: ${e.message}`)));
    child.once('exit', resolve);
  });
  const code = await within(exited, timeoutMs, () => `confluent_bench.py ${args.join(' ')} still running`, () => child.kill('SIGKILL'));
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || last === '') {
    const why = err.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`confluent_bench.py ${args[0]} exited with code ${code}: ${why || 'no output'} (is confluent_kafka installed for /usr/bin/python3?)`);
  }
  return JSON.parse(last) as Record<string, number | string>;
}

async function confluentSeconds(args: readonly string[], timeoutMs: number): Promise<number> {
  const seconds = (await confluentBench(args, timeoutMs))['seconds'];
  if (typeof seconds !== 'number') throw new Error(`confluent_bench.py ${args[0]} printed no "seconds"`);
  return seconds;
}

/** Produces `run.records` values of `size` bytes with `client`; resolves with the timed seconds. */
export function produceWith(client: Client, run: ClientRun, size: number, acks: Acks): Promise<number> {
  switch (client) {
    case 'kafkajs':
      return kafkajsProduce(run, size, acks);
    case 'wire':
      return wireProduce(run, size, acks);
    case 'librdkafka':
      return confluentSeconds(['produce', run.bootstrap, run.topic, String(run.records), String(size), String(acks)], run.timeoutMs);
  }
}

/** Reads `run.records` records of `run.topic` from the beginning with `client`; timed seconds. */
export function fetchWith(client: Client, run: ClientRun): Promise<number> {
  switch (client) {
    case 'kafkajs':
      return kafkajsFetch(run);
    case 'wire':
      return wireFetch(run);
    case 'librdkafka':
      return confluentSeconds(['consume', run.bootstrap, run.topic, String(run.records)], run.timeoutMs);
  }
}
