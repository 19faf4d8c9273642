/*
 * The topology module: how a multi-threaded application hands its topology to worker threads.
 * A Worker cannot receive a closure (processors, serdes, lambdas of the DSL), so every thread
 * builds the topology itself by importing one module the user names — the same builder code a
 * single-thread application runs, executed once per thread:
 *
 *   // topology.ts
 *   export function topology(): Topology { const b = new StreamsBuilder(); ...; return b.build(); }
 *   // optional: the config fields that are code, which cannot be copied to a worker either
 *   export const streamsConfig = { defaultKeySerde: Serdes.string(), defaultValueSerde: Serdes.string() };
 *
 *   const streams = await KafkaStreams.fromModule(new URL('./topology.ts', import.meta.url), { numStreamThreads: 4, ... });
 *
 * `topology` may also be the default export, and may return a Promise. A TypeScript module is
 * loaded in workers through tsx when the application itself runs from TypeScript sources.
 */
import { pathToFileURL } from 'node:url';
import type { DeserializationExceptionHandler } from '../../errors/deserialization-handler.ts';
import type { ProcessingExceptionHandler } from '../../errors/processing-exception-handler.ts';
import type { Serde } from '../../serde/serde.ts';
import { Topology } from '../../topology/topology.ts';
import { StreamsConfigError } from '../streams-config.ts';

/** The config fields that are code: given by the module, never copied between threads. */
export interface ModuleStreamsConfig {
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly deserializationHandler?: DeserializationExceptionHandler;
  readonly processingExceptionHandler?: ProcessingExceptionHandler;
}
export const CODE_CONFIG_FIELDS = ['defaultKeySerde', 'defaultValueSerde', 'deserializationHandler', 'processingExceptionHandler'] as const;

export interface LoadedTopologyModule {
  readonly href: string;
  readonly topology: Topology;
  readonly streamsConfig: ModuleStreamsConfig;
}

/** A file URL string for `module` (a URL, a file: URL string or a file path). */
export function moduleHref(module: URL | string): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module) ? module : pathToFileURL(module).href;
}

/** Imports a module the user named (`what` names its role in the error when it cannot be loaded). */
export async function importUserModule(href: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (e) {
    throw new StreamsConfigError(`${what} ${href} could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Imports the module and builds its topology; errors name the module and what it lacks. */
export async function loadTopologyModule(module: URL | string): Promise<LoadedTopologyModule> {
  const href = moduleHref(module);
  const mod = await importUserModule(href, 'topology module');
  const build = typeof mod['topology'] === 'function' ? mod['topology'] : mod['default'];
  if (typeof build !== 'function') {
    throw new StreamsConfigError(`topology module ${href} must export a function "topology" (or a default export) that returns the Topology`);
  }
  const topology: unknown = await (build as () => unknown)();
  // Duck-typed: the module may import the package while the caller imports its sources.
  if (!(topology instanceof Topology) && typeof (topology as Topology | null)?.subtopologies !== 'function') {
    throw new StreamsConfigError(`topology module ${href}: topology() returned ${describe(topology)}, not a Topology (call StreamsBuilder.build())`);
  }
  const cfg = mod['streamsConfig'];
  if (cfg !== undefined && (typeof cfg !== 'object' || cfg === null)) {
    throw new StreamsConfigError(`topology module ${href}: "streamsConfig" must be an object with ${CODE_CONFIG_FIELDS.join(', ')}`);
  }
  const streamsConfig = (cfg ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(streamsConfig).filter((k) => !(CODE_CONFIG_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new StreamsConfigError(`topology module ${href}: streamsConfig.${unknown[0]} is not a code field (${CODE_CONFIG_FIELDS.join(', ')}); pass it in the config of KafkaStreams.fromModule`);
  }
  return { href, topology: topology as Topology, streamsConfig: streamsConfig as ModuleStreamsConfig };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return typeof v;
}
