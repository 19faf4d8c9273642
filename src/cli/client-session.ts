/*
 * Shared plumbing for the CLI commands that talk to a broker as a client (topics, produce,
 * consume, groups, transactions, users, acls): the --bootstrap-server and --command-config
 * options, and the client through the one factory the runtime and the benchmarks use too
 * (createClientFactory). --command-config takes a Kafka client.properties (security.protocol,
 * sasl.*, ssl.*; src/client/client-properties.ts), as Kafka's own tools do. Every client object a
 * command opens is disconnected when the command ends, so the process can exit.
 */
import type { Command } from 'commander';
import { WireCluster } from '../client/cluster.ts';
import { createClientFactory } from '../client/client-factory.ts';
import { ClientPropertiesError, loadClientProperties } from '../client/client-properties.ts';
import type { ClientSecurity } from '../client/security.ts';
import type { Admin, ClientFactory } from '../client/types.ts';
import { CliError } from './cli-errors.ts';
import { bootstrapArg, DEFAULT_BOOTSTRAP } from './option-parsers.ts';

export interface ClientFlags {
  bootstrapServer: string;
  commandConfig?: string;
}

/** Adds `--bootstrap-server HOST:PORT` (default 127.0.0.1:9092) and `--command-config FILE` to a command. */
export function withBootstrapOption(cmd: Command): Command {
  return cmd
    .option('--bootstrap-server <host:port>', 'Kafka broker(s) to connect to, comma-separated', bootstrapArg, DEFAULT_BOOTSTRAP)
    .option('--command-config <file>', 'Kafka client properties for TLS/SASL (security.protocol, sasl.jaas.config, ssl.truststore.location, …)');
}

/** The TLS/SASL settings of --command-config (undefined without it); a bad file is a CliError naming it. */
async function clientSecurity(flags: ClientFlags): Promise<ClientSecurity | undefined> {
  if (flags.commandConfig === undefined) return undefined;
  try {
    return await loadClientProperties(flags.commandConfig);
  } catch (err) {
    if (err instanceof ClientPropertiesError) throw new CliError(err.message);
    throw err;
  }
}

/** The client factory for `flags.bootstrapServer` (already validated by bootstrapArg). */
export async function cliClients(flags: ClientFlags): Promise<ClientFactory> {
  const security = await clientSecurity(flags);
  // 10 s to connect: a person at a terminal waits for a slow broker rather than retrying.
  return createClientFactory({ bootstrapServers: flags.bootstrapServer.split(','), clientId: 'tributary-cli', logLevel: 'error', connectionTimeoutMs: 10_000, security });
}

/** Connects an admin on `flags.bootstrapServer`, runs `fn`, and always disconnects it. */
export async function withAdmin<T>(flags: ClientFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = (await cliClients(flags)).admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Opens a cluster view on `flags.bootstrapServer` for the calls the Admin interface does not
 * carry (SCRAM users, ACLs), runs `fn`, and closes every connection.
 */
export async function withCluster<T>(flags: ClientFlags, fn: (cluster: WireCluster) => Promise<T>): Promise<T> {
  const security = await clientSecurity(flags);
  const cluster = new WireCluster({ bootstrap: flags.bootstrapServer, clientId: 'tributary-cli', security });
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}
