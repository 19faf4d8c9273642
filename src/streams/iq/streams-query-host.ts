/*
 * The QueryHost (query-host.ts) of a running KafkaStreams: built by KafkaStreams from its private
 * parts (topology, stream thread, global stores), so the query server sees only this narrow view.
 * Every call reads the current thread, tasks and host map: a view made at start() stays right
 * across rebalances and thread replacements.
 */
import type { KafkaStreams } from '../runtime/kafka-streams.ts';
import type { HostMap } from '../runtime/stream-thread.ts';
import { parseHostPort, type HostInfo } from '../runtime/streams-config.ts';
import type { TaskManager } from '../runtime/task-manager.ts';
import { changelogTopicName } from '../state/change-logging-key-value-store.ts';
import type { StateStore } from '../state/store-types.ts';
import type { StoreBuildOptions } from '../topology/node-specs.ts';
import type { Topology } from '../topology/topology.ts';
import { probeStore, type QueryHost, type StoreInfo } from './query-host.ts';

export interface StreamsQuerySources {
  readonly topology: Topology;
  readonly buildOptions: StoreBuildOptions;
  taskManager(): TaskManager | undefined;
  hostMap(): HostMap | undefined;
  /** The global store `name` once bootstrapped, else undefined. */
  globalStore(name: string): StateStore | undefined;
}

export function streamsQueryHost(streams: KafkaStreams, sources: StreamsQuerySources): QueryHost {
  const infos = new Map<string, StoreInfo | undefined>();
  const { topology } = sources;
  const globals = new Set(topology.globalStoreNames());
  return {
    get state() {
      return streams.state;
    },
    self: streams.config.applicationServer,
    hosts(): HostInfo[] {
      return [...(sources.hostMap()?.keys() ?? [])].flatMap((h) => parseHostPort(h) ?? []);
    },
    storeNames: () => [...topology.stores().keys()],
    storeInfo(name) {
      if (!infos.has(name)) {
        const spec = topology.stores().get(name);
        const topic = changelogTopicName(streams.config.applicationId, name);
        infos.set(name, spec === undefined ? undefined : probeStore(spec.factory, sources.buildOptions, topic, globals.has(name)));
      }
      return infos.get(name);
    },
    localStores(name, includeStandbys) {
      if (globals.has(name)) {
        const g = sources.globalStore(name);
        return g === undefined ? [] : [g];
      }
      const tm = sources.taskManager();
      if (tm === undefined) return [];
      const tasks = includeStandbys ? [...tm.activeTasks(), ...tm.standbyTasks()] : tm.activeTasks();
      return tasks.flatMap((t) => t.store(name) ?? []).filter((s) => s.isOpen());
    },
    keyMetadata: (name, key, keySerde) => streams.queryMetadataForKey(name, key, keySerde),
  };
}
