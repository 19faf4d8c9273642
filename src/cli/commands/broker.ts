/*
 * `tributary broker`: runs the bundled Kafka-compatible broker in the foreground.
 *
 *   tributary broker [--data-dir DIR] [--port N] [--host H] [--advertised-host H] [--node-id N]
 *                    [--partitions N] [--no-auto-create] [--fsync acks-all|never]
 *                    [--group-initial-rebalance-delay-ms MS] [--connections-max-idle-ms MS]
 *                    [--max-connections N] [--max-connections-per-ip N] [--metrics-port N]
 *                    [--console-port N] [--console-host H] [--console-on-secured-broker]
 *
 * Defaults: data in .tributary/data, port 9092 (Kafka's), bind and advertise 127.0.0.1 (a
 * numeric address: Node ≥ 17 may resolve "localhost" to ::1 first, which breaks clients when the
 * broker listens on IPv4 only), topics auto-created with 1 partition, fsync before acks=all,
 * group.initial.rebalance.delay.ms 3000 (Kafka's default; Kafka's shipped server.properties sets 0
 * "for a better out-of-the-box experience for development and testing" — pass 0 for the same).
 * Connection limits default to the broker options' defaults (src/broker/options.ts).
 *
 * A second broker on a --data-dir that a running broker holds exits with code 1 and names it.
 *
 * --config server.properties reads Kafka's broker keys (src/broker/server-config.ts): listeners,
 * TLS, SASL, log.dirs, … A flag given on the command line overrides the file; a flag left at its
 * default does not. --port/--host/--advertised-host describe the single default listener and
 * cannot be combined with listeners= in the file.
 * --add-scram 'SCRAM-SHA-256=[name=admin,password=…]' (repeatable, Kafka's kafka-storage syntax)
 * creates or replaces SCRAM users in the data directory before the broker starts.
 */
import type { Command } from 'commander';
import type { BrokerOptionsInput } from '../../broker/options.ts';
import { FsyncPolicies, type FsyncPolicy } from '../../broker/log/log-config.ts';
import { runBroker } from '../broker-runner.ts';
import { CliError } from '../cli-errors.ts';
import { intArg } from '../option-parsers.ts';
import { loadServerConfig, ServerConfigError } from '../../broker/server-config.ts';
import { addScramUsers, parseScramSpec } from '../../broker/security/scram-bootstrap.ts';

export const DEFAULT_DATA_DIR = '.tributary/data';
export const DEFAULT_BROKER_PORT = 9092;

function fsyncArg(raw: string): FsyncPolicy {
  const found = FsyncPolicies.find((p) => p === raw);
  if (!found) throw new CliError(`--fsync must be one of ${FsyncPolicies.join(', ')}, got "${raw}"`);
  return found;
}

export interface BrokerFlags {
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
  authorizer?: boolean;
  superUsers?: string;
  allowEveryoneIfNoAclFound?: boolean;
  config?: string;
  addScram: string[];
  metricsPort?: number;
  consolePort?: number;
  consoleHost?: string;
  consoleOnSecuredBroker?: boolean;
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
    .option('--authorizer', 'check every request against ACLs (Kafka: authorizer.class.name)')
    .option('--super-users <principals>', 'principals allowed everything, ;-separated, e.g. "User:admin;User:ops" (Kafka: super.users)')
    .option('--allow-everyone-if-no-acl-found', 'leave resources that no ACL mentions open (Kafka: allow.everyone.if.no.acl.found)')
    .option('--config <file>', "Kafka server.properties to read (listeners, ssl.*, sasl.*, log.dirs, …); flags override it")
    .option(
      '--add-scram <spec>',
      "create a SCRAM user before starting, e.g. 'SCRAM-SHA-256=[name=admin,password=secret]' (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--metrics-port <n>', 'serve Prometheus metrics at http://HOST:N/metrics (0 = any free port; default: off)', intArg('--metrics-port', 0, 65535))
    .option('--console-port <n>', 'serve the web console at http://127.0.0.1:N/ (0 = any free port; default: off)', intArg('--console-port', 0, 65535))
    .option('--console-host <host>', 'address the web console binds (default 127.0.0.1)')
    .option('--console-on-secured-broker', 'serve the console although the broker uses ACLs or SASL (it reads without them; docs/console.md)')
    .action(async (flags: BrokerFlags, cmd: Command) => {
      const options = await brokerOptions(flags, (k) => cmd.getOptionValueSource(k) === 'cli');
      if (flags.addScram.length > 0) await addUsers(options.dataDir, flags.addScram);
      await runBroker({ options });
    });
}

/** Joins the --config file and the flags: a flag typed on the command line wins over the file. */
export async function brokerOptions(flags: BrokerFlags, fromCli: (flag: string) => boolean): Promise<BrokerOptionsInput> {
  let file: Partial<BrokerOptionsInput> = {};
  if (flags.config !== undefined) {
    try {
      const loaded = await loadServerConfig(flags.config);
      file = loaded.options;
      if (loaded.ignored.length > 0) process.stderr.write(`note: ${flags.config}: ignored on a single-node broker: ${loaded.ignored.join(', ')}\n`);
    } catch (err) {
      if (err instanceof ServerConfigError) throw new CliError(err.message);
      throw err;
    }
  }
  if (file.listeners !== undefined && ['port', 'host', 'advertisedHost'].some(fromCli)) {
    throw new CliError(`--port/--host/--advertised-host cannot be combined with listeners= in ${flags.config}; change the listeners there`);
  }
  const pick = <T>(flag: string, fromFlag: T, fromFile: T | undefined): T => (fromCli(flag) || fromFile === undefined ? fromFlag : fromFile);
  const host = flags.host;
  const advertisedHost = flags.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const optional = <K extends 'connectionsMaxIdleMs' | 'maxConnections' | 'maxConnectionsPerIp'>(k: K, v: number | undefined) =>
    v !== undefined ? { [k]: v } : file[k] !== undefined ? { [k]: file[k] } : {};
  return {
    ...file,
    dataDir: pick('dataDir', flags.dataDir, file.dataDir),
    port: flags.port,
    host,
    advertisedHost,
    nodeId: pick('nodeId', flags.nodeId, file.nodeId),
    defaultPartitions: pick('partitions', flags.partitions, file.defaultPartitions),
    autoCreateTopics: pick('autoCreate', flags.autoCreate, file.autoCreateTopics),
    fsync: pick('fsync', flags.fsync, file.fsync),
    group: {
      ...file.group,
      initialRebalanceDelayMs: pick('groupInitialRebalanceDelayMs', flags.groupInitialRebalanceDelayMs, file.group?.initialRebalanceDelayMs),
    },
    ...optional('connectionsMaxIdleMs', flags.connectionsMaxIdleMs),
    ...optional('maxConnections', flags.maxConnections),
    ...optional('maxConnectionsPerIp', flags.maxConnectionsPerIp),
    ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
    ...(flags.consolePort !== undefined ? { consolePort: flags.consolePort } : {}),
    ...(flags.consoleHost !== undefined ? { consoleHost: flags.consoleHost } : {}),
    ...(flags.consoleOnSecuredBroker === true ? { consoleOnSecuredBroker: true } : {}),
    authorizer: {
      ...file.authorizer,
      ...(flags.authorizer === true ? { enabled: true } : {}),
      ...(flags.superUsers !== undefined ? { superUsers: flags.superUsers.split(';').map((p) => p.trim()).filter((p) => p !== '') } : {}),
      ...(flags.allowEveryoneIfNoAclFound === true ? { allowEveryoneIfNoAclFound: true } : {}),
    },
  };
}

async function addUsers(dataDir: string, specs: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = specs.map(parseScramSpec);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  try {
    await addScramUsers(dataDir, parsed);
  } catch (err) {
    throw new CliError(`cannot add SCRAM users in ${dataDir}: ${(err as Error).message}`);
  }
  process.stdout.write(`added SCRAM credentials for ${[...new Set(parsed.map((p) => p.name))].join(', ')} in ${dataDir}\n`);
}
