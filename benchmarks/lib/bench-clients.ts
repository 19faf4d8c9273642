/*
 * The benchmarks reach the broker through the client's one factory (createClientFactory), as the
 * streams runtime and the CLI do: one factory per bootstrap and client id, each object with its
 * own connections.
 */
import { createClientFactory } from '../../src/client/client-factory.ts';
import type { Admin, ClientFactory } from '../../src/client/types.ts';

export function benchClients(bootstrap: string, clientId: string): ClientFactory {
  return createClientFactory({ bootstrapServers: [bootstrap], clientId, logLevel: 'nothing' });
}

/** Runs `fn` with a connected admin, always disconnecting it. */
export async function withBenchAdmin<T>(bootstrap: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = benchClients(bootstrap, 'bench-admin').admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
