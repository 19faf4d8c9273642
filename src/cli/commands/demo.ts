/*
 * `tributary demo` (what `npm start` runs): the whole stack in one command, no setup.
 *
 *   1 a KafkaStreams application with `bootstrapServers: 'embedded'` — the bundled broker starts
 *     in-process, data and state under ./.tributary/demo (kept across runs: a second run resumes
 *     from its committed offsets and local stores)
 *   2 the heart-rate example's buildTopology (examples/heart-rate/topology.ts): per-device average
 *     over 10 s event-time windows, emitted once per window, plus alerts above 120 bpm
 *   3 a generator: every `--interval` ms one reading per device, each tick one second of EVENT time
 *     later (so at the default 100 ms a 10 s window closes every second of wall time); one device
 *     has a racing episode now and then, which raises alerts
 *   4 a reader printing every average and alert the application writes to its output topics
 *   5 the broker's web console (src/console/) on --console-port (any free port by default; its
 *     URL is printed), unless --no-console
 *   Ctrl-C (SIGINT/SIGTERM), or `--duration S` seconds: close the app (commit, leave the group,
 *   stop the broker) and exit 0. A second Ctrl-C exits at once.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { ALERTS_TOPIC, AVERAGES_TOPIC, READINGS_TOPIC, buildTopology, serdes } from '../../../examples/heart-rate/topology.ts';
import { StreamsBuilder } from '../../streams/dsl/streams-builder.ts';
import type { AssignedConsumer, ClientFactory, Producer } from '../../client/types.ts';
import { KafkaStreams } from '../../streams/runtime/kafka-streams.ts';
import { clientFactoryFor } from '../../streams/runtime/runtime-deps.ts';
import { intArg } from '../option-parsers.ts';

const DEVICES = ['watch-1', 'watch-2', 'watch-3', 'band-7'];

interface DemoFlags {
  duration?: number;
  interval: number;
  dir: string;
  consolePort: number;
  /** false with --no-console */
  console: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the heart-rate streams app on an embedded broker with a live generator (Ctrl-C to stop)')
    .option('--duration <seconds>', 'stop after this many seconds', intArg('--duration', 1))
    .option('--interval <ms>', 'ms of wall time per simulated second of readings', intArg('--interval', 1), 100)
    .option('--dir <path>', 'where the demo keeps broker data and state', '.tributary/demo')
    .option('--console-port <n>', 'port of the web console (0 = any free port)', intArg('--console-port', 0, 65535), 0)
    .option('--no-console', 'do not serve the web console')
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}

/** A plausible heart rate for device `d` at simulated second `t`; band-7 races now and then. */
function bpm(d: number, t: number): number {
  const base = 64 + d * 6 + 8 * Math.sin(t / 17 + d);
  const racing = d === DEVICES.length - 1 && t % 60 >= 30 && t % 60 < 45;
  return Math.round(racing ? base + 70 : base + ((t * 7 + d * 13) % 9) - 4);
}

/** The newest timestamp in the readings topic (0 when empty): reads the last record of each partition. */
async function lastReadingTime(clients: ClientFactory): Promise<number> {
  const admin = clients.admin();
  const consumer = clients.assignedConsumer();
  try {
    await admin.connect();
    await consumer.connect();
    const tps = [0, 1].map((partition) => ({ topic: READINGS_TOPIC, partition }));
    const ends = (await admin.listOffsets(tps, 'latest')).filter((o) => o.offset > 0);
    if (ends.length === 0) return 0;
    await consumer.assign(ends.map((o) => ({ ...o, offset: o.offset - 1 })));
    let latest = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < ends.length; i++) {
      for (const b of await consumer.poll(100, 100)) {
        seen.add(b.partition);
        for (const r of b.records) latest = Math.max(latest, r.timestamp);
      }
    }
    return latest;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const out = process.stdout;
  const dir = resolve(flags.dir);
  const builder = new StreamsBuilder();
  buildTopology(builder);
  const topology = builder.build();
  const streams = new KafkaStreams(topology, {
    applicationId: 'tributary-demo-heart-rate',
    bootstrapServers: 'embedded',
    stateDir: join(dir, 'state'),
    embedded: {
      dataDir: join(dir, 'broker'),
      topics: [READINGS_TOPIC, AVERAGES_TOPIC, ALERTS_TOPIC].map((name) => ({ name, partitions: 2 })),
      ...(flags.console ? { consolePort: flags.consolePort } : {}),
    },
    commitIntervalMs: 1000,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });
  streams.onStateChange((next, prev) => out.write(`[state] ${prev} → ${next}\n`));

  let stopping: Promise<void> | undefined;
  let generator: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let producer: Producer | undefined;
  let reader: AssignedConsumer | undefined;
  let reading: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      out.write(`\n${why}: stopping the demo…\n`);
      clearInterval(generator);
      clearTimeout(deadline);
      await reading?.catch(() => {});
      await reader?.disconnect().catch(() => {});
      await producer?.disconnect().catch(() => {});
      await streams.close({ timeoutMs: 15_000 });
      out.write(`processed ${streams.processedRecords} records; demo stopped cleanly\n`);
      resolveDone();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) process.exit(130);
    void stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await streams.start();
  const bootstrap = streams.bootstrapServers.join(',');
  out.write(
    [
      'Tributary demo: heart-rate averages with Kafka Streams for TypeScript',
      `  embedded broker listening on ${bootstrap} (data in ${join(dir, 'broker')})`,
      `  ${READINGS_TOPIC} → 10 s windows per device → ${AVERAGES_TOPIC}, and ${ALERTS_TOPIC} above 120 bpm`,
      `  watch it from another shell: npx tributary consume ${AVERAGES_TOPIC} --bootstrap ${bootstrap}`,
      ...(streams.consoleUrl === undefined ? [] : [`  web console: ${streams.consoleUrl}`]),
      '  Ctrl-C to stop',
      '',
    ].join('\n'),
  );

  const clients = clientFactoryFor(streams.bootstrapServers, 'tributary-demo');
  producer = clients.producer();
  await producer.connect();
  // Event time runs ahead of the clock (one simulated second per tick): continue after the last
  // run's readings, so a restart does not produce readings for windows that are already closed.
  let t = Math.max(Math.floor(Date.now() / 1000), Math.ceil((await lastReadingTime(clients)) / 1000));
  generator = setInterval(() => {
    t++;
    const records = DEVICES.map((device, d) => ({
      topic: READINGS_TOPIC,
      key: serdes.device.serialize(READINGS_TOPIC, device),
      value: serdes.reading.serialize(READINGS_TOPIC, { bpm: bpm(d, t) }),
      timestamp: t * 1000,
      headers: {},
    }));
    producer!.send(records).catch((e: unknown) => out.write(`generator: ${(e as Error).message}\n`));
  }, flags.interval);

  reader = clients.assignedConsumer({ offsetReset: 'latest' }); // live: what this run produces
  await reader.connect();
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const positions = new Map<string, number>();
  reading = (async () => {
    while (stopping === undefined) {
      try {
        // (Re)assign from where we are: the output topics appear once the app first writes to them.
        await reader!.assign([0, 1].flatMap((partition) => [AVERAGES_TOPIC, ALERTS_TOPIC].map((topic) => ({ topic, partition, offset: positions.get(`${topic}-${partition}`) }))));
        while (stopping === undefined) {
          for (const batch of await reader!.poll(500, 200)) {
            for (const r of batch.records) {
              positions.set(`${batch.topic}-${batch.partition}`, r.offset + 1);
              if (r.value === null) continue;
              const a = serdes.average.deserialize(batch.topic, r.value);
              const line = `${time(a.windowStart)}–${time(a.windowEnd)} ${a.deviceId.padEnd(8)} ${String(a.averageBpm).padStart(6)} bpm (${a.readings} readings)`;
              out.write(batch.topic === ALERTS_TOPIC ? `ALERT   ${line}\n` : `average ${line}\n`);
            }
          }
        }
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  if (flags.duration !== undefined) deadline = setTimeout(() => void stop(`--duration ${flags.duration}s reached`), flags.duration * 1000);
  await done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
