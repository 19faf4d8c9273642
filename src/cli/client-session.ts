/*
 * Shared plumbing for the CLI commands that talk to a broker as a client (topics, produce,
 * consume, groups, transactions): the --bootstrap-server option, and the client through the one
 * factory the runtime and the benchmarks use too (createClientFactory). Every client object a
 * command opens is disconnected when the command ends, so the process can exit.
 */
import type { Command } from 'commander';
import { createClientFactory } from '../client/client-factory.ts';
import type { Admin, ClientFactory } from '../client/types.ts';
import { bootstrapArg, DEFAULT_BOOTSTRAP } from './option-parsers.ts';

export interface ClientFlags {
  bootstrapServer: string;
}

/** Adds `--bootstrap-server HOST:PORT` (default 127.0.0.1:9092) to a command. */
export function withBootstrapOption(cmd: Command): Command {
  return cmd.option('--bootstrap-server <host:port>', 'Kafka broker(s) to connect to, comma-separated', bootstrapArg, DEFAULT_BOOTSTRAP);
}

/** The client factory for `flags.bootstrapServer` (already validated by bootstrapArg). */
export function cliClients(flags: ClientFlags): ClientFactory {
  // 10 s to connect: a person at a terminal waits for a slow broker rather than retrying.
  return createClientFactory({ bootstrapServers: flags.bootstrapServer.split(','), clientId: 'tributary-cli', logLevel: 'error', connectionTimeoutMs: 10_000 });
}

/** Connects an admin on `flags.bootstrapServer`, runs `fn`, and always disconnects it. */
export async function withAdmin<T>(flags: ClientFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = cliClients(flags).admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
