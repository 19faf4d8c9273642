/*
 * What an instance with several stream threads requires, checked when KafkaStreams is built so a
 * misconfiguration fails at once with the field named (not when a worker starts):
 *  - numStreamThreads > 1 needs the topology as a module (topology-module.ts): workers build it;
 *  - (a topology with global stores may run several: each worker keeps its own replica of them,
 *    worker-global-stores.ts);
 *  - custom RuntimeDeps given as a function (KafkaStreamsOptions.deps) cannot be sent to a worker;
 *    a client supplier module (client-supplier.ts), which each worker imports, can.
 */
import type { Topology } from '../../topology/topology.ts';
import { StreamsConfigError } from '../streams-config.ts';

export interface ThreadingSetup {
  readonly threads: number;
  readonly topology: Topology;
  readonly moduleHref: string | undefined;
  readonly customDeps: boolean;
}

/** The reason `setup` cannot run more than one stream thread, or undefined when it can. */
export function multiThreadBlocker(setup: Omit<ThreadingSetup, 'threads'>): string | undefined {
  if (setup.moduleHref === undefined) return 'more than one stream thread needs the topology as a module, which each worker thread imports: create the instance with KafkaStreams.fromModule(new URL("./topology.ts", import.meta.url), config)';
  if (setup.customDeps) return 'KafkaStreamsOptions.deps (custom clients) cannot be sent to worker threads: export the factory from a module and pass it as clientSupplier to KafkaStreams.fromModule, or run one stream thread';
  return undefined;
}

export function checkThreading(setup: ThreadingSetup): void {
  if (setup.threads <= 1) return;
  const blocker = multiThreadBlocker(setup);
  if (blocker !== undefined) throw new StreamsConfigError(`invalid streams config:\n  numStreamThreads: ${blocker} (got ${setup.threads})`);
}
