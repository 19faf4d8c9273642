/*
 * The application process of `tributary dev` (src/cli/commands/dev.ts): runs one topology module
 * with KafkaStreams.fromModule until SIGTERM/SIGINT, then closes cleanly (commit, leave the
 * group) and exits 0, so the supervisor can start the next version at once.
 *
 * It is part of the library build (dist/dev/dev-child.js), not of the bundled CLI: the user's
 * module imports `tributary` (dist/index.js), and the runtime here must be that same copy.
 *
 * argv[2] is the JSON config below. Output: one line per state change and, every 5 s while
 * records flow, the processed count — prefixed "[app]" so it reads apart from the supervisor's.
 * Exit codes: 0 closed on request; 1 the app failed (it reached ERROR, or could not start).
 */
import { z } from 'zod';
import { KafkaStreams } from '../streams/runtime/kafka-streams.ts';
import { clientFactoryFor } from '../streams/runtime/runtime-deps.ts';
import { loadTopologyModule } from '../streams/runtime/threads/topology-module.ts';
import { registerTypeScriptFor } from '../util/typescript-loader.ts';

export const DevChildConfig = z.object({
  moduleHref: z.string().min(1),
  applicationId: z.string().min(1),
  bootstrapServers: z.array(z.string().min(1)).min(1),
  stateDir: z.string().min(1),
  /**
   * Create the topology's missing source topics first (with the broker's default partition
   * count): set for the bundled broker, where nobody else would; on a real cluster, as in Kafka
   * Streams, missing source topics are the operator's to create.
   */
  createSourceTopics: z.boolean(),
});
export type DevChildConfig = z.infer<typeof DevChildConfig>;

const say = (line: string): void => {
  process.stdout.write(`[app] ${line}\n`);
};

/** Creates the named source topics of the module's topology that do not exist yet. */
async function createSourceTopics(config: DevChildConfig): Promise<void> {
  const { topology } = await loadTopologyModule(config.moduleHref);
  const topics = new Set<string>();
  for (const sub of topology.allSubtopologies()) {
    for (const t of sub.sourceTopics) if (!sub.repartitionSourceTopics.includes(t)) topics.add(t);
  }
  if (topics.size === 0) return;
  const admin = clientFactoryFor(config.bootstrapServers, 'tributary-dev').admin();
  try {
    await admin.connect();
    const existing = new Set((await admin.describeTopics([...topics])).map((d) => d.topic));
    const missing = [...topics].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics(missing.map((topic) => ({ topic, numPartitions: -1, replicationFactor: -1 })));
    say(`created source topic${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const config = DevChildConfig.parse(JSON.parse(process.argv[2] ?? '{}'));
  await registerTypeScriptFor(config.moduleHref, 'tributary dev');
  if (config.createSourceTopics) await createSourceTopics(config);
  const streams = await KafkaStreams.fromModule(config.moduleHref, {
    applicationId: config.applicationId,
    bootstrapServers: config.bootstrapServers,
    stateDir: config.stateDir,
    // Fast feedback: a restarted app rejoins and shows results within about a second.
    commitIntervalMs: 1000,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });
  let closing: Promise<unknown> | undefined;
  const close = (code: number): void => {
    closing ??= streams.close({ timeoutMs: 10_000 }).finally(() => process.exit(code));
  };
  streams.onStateChange((next) => {
    say(next);
    if (next === 'ERROR') close(1);
  });
  process.on('SIGTERM', () => close(0));
  process.on('SIGINT', () => close(0));
  let reported = 0;
  setInterval(() => {
    const n = streams.processedRecords;
    if (n !== reported) say(`processed ${n} records`);
    reported = n;
  }, 5000).unref();
  await streams.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`[app] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
