/*
 * Shared plumbing for the CLI commands that talk to a broker as a client (topics, produce,
 * consume, groups): the --bootstrap-server option and a session that opens a WireCluster, runs
 * the command, and always closes every connection so the process can exit.
 */
import type { Command } from 'commander';
import { WireCluster } from '../client/cluster.ts';
import { bootstrapArg, DEFAULT_BOOTSTRAP } from './option-parsers.ts';

export interface ClientFlags {
  bootstrapServer: string;
}

/** Adds `--bootstrap-server HOST:PORT` (default 127.0.0.1:9092) to a command. */
export function withBootstrapOption(cmd: Command): Command {
  return cmd.option('--bootstrap-server <host:port>', 'Kafka broker(s) to connect to, comma-separated', bootstrapArg, DEFAULT_BOOTSTRAP);
}

/** Opens a cluster view on `flags.bootstrapServer`, runs `fn`, and closes every connection. */
export async function withCluster<T>(flags: ClientFlags, fn: (cluster: WireCluster) => Promise<T>): Promise<T> {
  const cluster = new WireCluster({ bootstrap: flags.bootstrapServer, clientId: 'tributary-cli' });
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}
