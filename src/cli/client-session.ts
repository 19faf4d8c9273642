/*
 * Shared plumbing for the CLI commands that talk to a broker as a client (topics, produce,
 * consume, groups, users): the --bootstrap-server and --command-config options and a session
 * that opens a WireCluster, runs the command, and always closes every connection so the process
 * can exit. --command-config takes a Kafka client.properties (security.protocol, sasl.*, ssl.*;
 * src/client/client-properties.ts), as Kafka's own tools do.
 */
import type { Command } from 'commander';
import { WireCluster } from '../client/cluster.ts';
import { ClientPropertiesError, loadClientProperties } from '../client/client-properties.ts';
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

/** Opens a cluster view on `flags.bootstrapServer`, runs `fn`, and closes every connection. */
export async function withCluster<T>(flags: ClientFlags, fn: (cluster: WireCluster) => Promise<T>): Promise<T> {
  let security;
  if (flags.commandConfig !== undefined) {
    try {
      security = await loadClientProperties(flags.commandConfig);
    } catch (err) {
      if (err instanceof ClientPropertiesError) throw new CliError(err.message);
      throw err;
    }
  }
  const cluster = new WireCluster({ bootstrap: flags.bootstrapServer, clientId: 'tributary-cli', security });
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}
