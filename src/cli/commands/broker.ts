/*
 * `tributary broker`: runs the bundled Kafka-compatible broker in the foreground.
 *
 *   tributary broker [--data-dir DIR] [--port N] [--host H] [--advertised-host H] [--node-id N]
 *                    [--partitions N] [--no-auto-create] [--fsync acks-all|never]
 *                    [--group-initial-rebalance-delay-ms MS] [--connections-max-idle-ms MS]
 *                    [--max-connections N] [--max-connections-per-ip N] [--metrics-port N]
 *
 * Defaults: data in .tributary/data, port 9092 (Kafka's), bind and advertise 127.0.0.1 (a
 * numeric address: Node ≥ 17 may resolve "localhost" to ::1 first, which breaks clients when the
 * broker listens on IPv4 only), topics auto-created with 1 partition, fsync before acks=all,
 * group.initial.rebalance.delay.ms 3000 (Kafka's default; Kafka's shipped server.properties sets 0
 * "for a better out-of-the-box experience for development and testing" — pass 0 for the same).
 * Connection limits default to the broker options' defaults (src/broker/options.ts).
 *
 * A second broker on a --data-dir that a running broker holds exits with code 1 and names it.
 */
import type { Command } from 'commander';
import { FsyncPolicies, type FsyncPolicy } from '../../broker/log/log-config.ts';
import { runBroker } from '../broker-runner.ts';
import { CliError } from '../cli-errors.ts';
import { intArg } from '../option-parsers.ts';

export const DEFAULT_DATA_DIR = '.tributary/data';
export const DEFAULT_BROKER_PORT = 9092;

function fsyncArg(raw: string): FsyncPolicy {
  const found = FsyncPolicies.find((p) => p === raw);
  if (!found) throw new CliError(`--fsync must be one of ${FsyncPolicies.join(', ')}, got "${raw}"`);
  return found;
}

interface BrokerFlags {
  dataDir: string;
  port: number;
  host: string;
  advertisedHost?: string;
  nodeId: number;
  partitions: number;
  autoCreate: boolean;
  fsync: FsyncPolicy;
  groupInitialRebalanceDelayMs: number;
  connectionsMaxIdleMs?: number;
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  metricsPort?: number;
}

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the bundled Kafka-compatible broker in the foreground (Ctrl-C stops it cleanly)')
    .option('--data-dir <dir>', 'where topics and logs are stored', DEFAULT_DATA_DIR)
    .option('--port <n>', 'TCP port to listen on (0 = any free port)', intArg('--port', 0, 65535), DEFAULT_BROKER_PORT)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--advertised-host <host>', 'host clients are told to connect to (default: --host, or 127.0.0.1 when binding 0.0.0.0)')
    .option('--node-id <n>', 'broker id reported in metadata', intArg('--node-id', 0, 2_147_483_647), 0)
    .option('--partitions <n>', 'partitions for auto-created topics', intArg('--partitions', 1, 100_000), 1)
    .option('--no-auto-create', 'reject produce/metadata requests for unknown topics instead of creating them')
    .option('--fsync <policy>', `fsync policy: ${FsyncPolicies.join(' | ')}`, fsyncArg, 'acks-all' as FsyncPolicy)
    .option(
      '--group-initial-rebalance-delay-ms <ms>',
      'how long the first member of an empty group waits for others to join (Kafka: group.initial.rebalance.delay.ms)',
      intArg('--group-initial-rebalance-delay-ms', 0, 2_147_483_647),
      3000,
    )
    .option(
      '--connections-max-idle-ms <ms>',
      'close connections idle this long, 0 = never (Kafka: connections.max.idle.ms; default 600000)',
      intArg('--connections-max-idle-ms', 0, 2_147_483_647),
    )
    .option('--max-connections <n>', 'refuse connections beyond this many (Kafka: max.connections; default 10000)', intArg('--max-connections', 1, 2_147_483_647))
    .option(
      '--max-connections-per-ip <n>',
      'refuse connections beyond this many from one address (Kafka: max.connections.per.ip; default unbounded)',
      intArg('--max-connections-per-ip', 1, 2_147_483_647),
    )
    .option('--metrics-port <n>', 'serve Prometheus metrics at http://HOST:N/metrics (0 = any free port; default: off)', intArg('--metrics-port', 0, 65535))
    .action(async (flags: BrokerFlags) => {
      const advertisedHost = flags.advertisedHost ?? (flags.host === '0.0.0.0' || flags.host === '::' ? '127.0.0.1' : flags.host);
      await runBroker({
        options: {
          dataDir: flags.dataDir,
          port: flags.port,
          host: flags.host,
          advertisedHost,
          nodeId: flags.nodeId,
          defaultPartitions: flags.partitions,
          autoCreateTopics: flags.autoCreate,
          fsync: flags.fsync,
          group: { initialRebalanceDelayMs: flags.groupInitialRebalanceDelayMs },
          ...(flags.connectionsMaxIdleMs !== undefined ? { connectionsMaxIdleMs: flags.connectionsMaxIdleMs } : {}),
          ...(flags.maxConnections !== undefined ? { maxConnections: flags.maxConnections } : {}),
          ...(flags.maxConnectionsPerIp !== undefined ? { maxConnectionsPerIp: flags.maxConnectionsPerIp } : {}),
          ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
        },
      });
    });
}
