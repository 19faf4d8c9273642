/*
 * Embedded mode: `bootstrapServers: 'embedded'` runs the bundled broker inside the application's
 * process — the zero-setup default for development and the demo. The KafkaStreams instance that
 * started it owns it and closes it after its own clients are gone.
 *
 * Defaults differ from `tributary broker` only where one local process wants them to:
 *   port 0 (ephemeral; nothing to collide with), data under `.tributary/broker` next to the state
 *   directory, initialRebalanceDelayMs 0 (one member: no reason to wait for others), a 1 s minimum
 *   session timeout, and a quiet logger unless TRIBUTARY_DEBUG is set.
 * The data directory survives restarts, so an embedded application resumes like any other.
 * `topics` are created at start when absent, so an app can read its input before any producer
 * has written to it (an application never creates its own input topics through the group).
 */
import { mkdirSync } from 'node:fs';
import { Broker, defaultLogger, silentLogger } from '../../broker/broker.ts';
import type { EmbeddedBrokerConfig } from './streams-config.ts';

export async function startEmbeddedBroker(config: EmbeddedBrokerConfig & { dataDir: string }): Promise<Broker> {
  try {
    mkdirSync(config.dataDir, { recursive: true });
  } catch (e) {
    throw new Error(`Embedded broker: cannot create its data directory ${config.dataDir} (${(e as Error).message}); set embedded.dataDir or stateDir to a writable path.`, { cause: e });
  }
  let broker: Broker;
  try {
    broker = await Broker.start(
      {
        dataDir: config.dataDir,
        port: config.port ?? 0,
        ...(config.defaultPartitions === undefined ? {} : { defaultPartitions: config.defaultPartitions }),
        ...(config.consolePort === undefined ? {} : { consolePort: config.consolePort }),
        group: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 },
      },
      { logger: process.env['TRIBUTARY_DEBUG'] ? defaultLogger : silentLogger },
    );
  } catch (e) {
    throw new Error(`Embedded broker failed to start on port ${config.port ?? 0} with data in ${config.dataDir}: ${(e as Error).message}`, { cause: e });
  }
  try {
    for (const t of config.topics ?? []) {
      if (broker.topics.get(t.name) === undefined) await broker.topicManager.create({ name: t.name, numPartitions: t.partitions, replicationFactor: 1 });
    }
  } catch (e) {
    await broker.close().catch(() => {});
    throw new Error(`Embedded broker: could not create the configured topics: ${(e as Error).message}`, { cause: e });
  }
  return broker;
}
