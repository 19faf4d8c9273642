/*
 * The client-supplier module: custom clients for every stream thread — Kafka Streams'
 * KafkaClientSupplier, which the config names by class so that each thread can build its own
 * clients. A Worker cannot receive a function (KafkaStreamsOptions.deps), so, as with the topology
 * (topology-module.ts), every thread imports one module the user names and calls its factory:
 *
 *   // clients.ts
 *   export function runtimeDeps(context: RuntimeDepsContext): RuntimeDeps { ... }   // or default
 *
 *   await KafkaStreams.fromModule(topologyUrl, config, { clientSupplier: new URL('./clients.ts', import.meta.url) });
 *
 * The main thread calls the factory for thread 1 and the global thread, each worker for its own
 * thread and its global-store replica — with the context of that thread (client id, process id,
 * config), exactly as KafkaStreamsOptions.deps is called in a single-thread instance.
 */
import type { RuntimeDepsContext } from '../kafka-streams.ts';
import type { RuntimeDeps } from '../client-port.ts';
import { StreamsConfigError } from '../streams-config.ts';
import { importUserModule, moduleHref } from './topology-module.ts';

export type RuntimeDepsFactory = (context: RuntimeDepsContext) => RuntimeDeps;

export interface LoadedClientSupplier {
  readonly href: string;
  readonly runtimeDeps: RuntimeDepsFactory;
}

/** Imports the module; errors name the module and what it lacks. */
export async function loadClientSupplier(module: URL | string): Promise<LoadedClientSupplier> {
  const href = moduleHref(module);
  const mod = await importUserModule(href, 'client supplier module');
  const factory = typeof mod['runtimeDeps'] === 'function' ? mod['runtimeDeps'] : mod['default'];
  if (typeof factory !== 'function') {
    throw new StreamsConfigError(`client supplier module ${href} must export a function "runtimeDeps" (or a default export) that takes the thread's RuntimeDepsContext and returns its RuntimeDeps`);
  }
  return { href, runtimeDeps: factory as RuntimeDepsFactory };
}
