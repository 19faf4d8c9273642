/*
 * The client supplier module of streams-threads-client-supplier.test.ts: every stream thread
 * imports it for its clients. It builds the usual clients and notes each call — which JS thread
 * asked (main or worker) and the client id — in the file named by $TRIBUTARY_CLIENT_SUPPLIER_LOG,
 * so the test sees that each thread built its clients here.
 */
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import type { RuntimeDeps } from '../../src/streams/runtime/client-port.ts';
import type { RuntimeDepsContext } from '../../src/streams/runtime/kafka-streams.ts';
import { createRuntimeDeps } from '../../src/streams/runtime/runtime-deps.ts';

export const LOG_ENV = 'TRIBUTARY_CLIENT_SUPPLIER_LOG';

export function runtimeDeps(context: RuntimeDepsContext): RuntimeDeps {
  const log = process.env[LOG_ENV];
  if (log !== undefined) appendFileSync(log, `${isMainThread ? 'main' : 'worker'} ${context.clientId}\n`);
  return createRuntimeDeps(context);
}
