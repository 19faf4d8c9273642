/*
 * The instantiated nodes of one task: sources (deserialize, then forward), processors (the
 * user's or a DSL operator's Processor, each with its own context) and sinks (serialize and
 * hand to the task's output). `buildRuntimeNodes` creates them from the Topology's node specs in
 * topology order — resolving missing serdes to the configured defaults and internal topic names
 * to "<applicationId>-<name>" — so every node's children exist by the time the task starts.
 */
import type { Processor } from '../processor/processor.ts';
import type { StreamRecord } from '../processor/record.ts';
import type { Deserializer, Serde, Serializer } from '../serde/serde.ts';
import {
  isDefaultWrapping,
  type DefaultWrappingSerde,
  type SerdeRun,
  type SinkNodeSpec,
  type SourceNodeSpec,
  type StreamPartitioner,
  type TimestampExtractor,
  type TopicNameExtractor,
} from '../topology/node-specs.ts';
import type { SubtopologyInfo, Topology } from '../topology/topology.ts';
import type { UpgradeFrom } from '../serde/upgrade-from.ts';

export interface RuntimeSource {
  readonly kind: 'source';
  readonly name: string;
  readonly spec: SourceNodeSpec;
  readonly keyDeserializer: Deserializer<unknown>;
  readonly valueDeserializer: Deserializer<unknown>;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly children: RuntimeNode[];
}

export interface RuntimeProcessor {
  readonly kind: 'processor';
  readonly name: string;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  readonly stores: ReadonlySet<string>;
  readonly children: RuntimeNode[];
}

export interface RuntimeSink {
  readonly kind: 'sink';
  readonly name: string;
  readonly spec: SinkNodeSpec;
  /** Resolved topic for a static sink (internal topics get the application id prefix). */
  readonly topic: string | undefined;
  readonly extractor: TopicNameExtractor<unknown, unknown> | undefined;
  readonly keySerializer: Serializer<unknown>;
  readonly valueSerializer: Serializer<unknown>;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  readonly children: RuntimeNode[];
}

export type RuntimeNode = RuntimeSource | RuntimeProcessor | RuntimeSink;

export function childrenFor(node: RuntimeNode, childName: string | undefined): readonly RuntimeNode[] {
  if (childName === undefined) return node.children;
  const child = node.children.find((c) => c.name === childName);
  if (child === undefined) {
    throw new Error(`Node "${node.name}" has no child named "${childName}"; its children are [${node.children.map((c) => c.name).join(', ')}].`);
  }
  return [child];
}

export type AnyRecord = StreamRecord<unknown, unknown>;

/** A node's serde, else the configured default (wrapped when the node wraps the default). */
function resolveSerde<T extends Serializer<unknown> | Deserializer<unknown>>(
  ref: T | DefaultWrappingSerde | undefined,
  fallback: Serde<unknown> | undefined,
  what: string,
  run: SerdeRun,
): T {
  if (isDefaultWrapping(ref)) return ref.resolveDefault(fallback, run) as unknown as T;
  const s = ref ?? (fallback as unknown as T | undefined);
  if (s === undefined) throw new Error(`${what} has no serde: pass one (Consumed/Produced/Grouped/Materialized .with(...)) or configure a default serde.`);
  return s;
}

export interface BuiltNodes {
  readonly nodes: Map<string, RuntimeNode>;
  /** Resolved topic (internal ones prefixed with the application id) → its source. */
  readonly sourcesByTopic: Map<string, RuntimeSource>;
  readonly patternSources: RuntimeSource[];
}

/** Instantiates a sub-topology's nodes (calling each processor supplier once) and wires children. */
export function buildRuntimeNodes(
  topology: Topology,
  sub: SubtopologyInfo,
  config: { applicationId: string; defaultKeySerde: Serde<unknown> | undefined; defaultValueSerde: Serde<unknown> | undefined; upgradeFrom?: UpgradeFrom | undefined },
): BuiltNodes {
  const specs = topology.nodes();
  const appId = config.applicationId;
  const run: SerdeRun = { applicationId: appId, upgradeFrom: config.upgradeFrom };
  const { defaultKeySerde, defaultValueSerde } = config;
  const built: BuiltNodes = { nodes: new Map(), sourcesByTopic: new Map(), patternSources: [] };
  for (const name of sub.nodes) {
    const spec = specs.get(name)!;
    let node: RuntimeNode;
    if (spec.kind === 'source') {
      const source: RuntimeSource = {
        kind: 'source',
        name,
        spec,
        keyDeserializer: resolveSerde(spec.keyDeserializer, defaultKeySerde, `Source "${name}" key`, run),
        valueDeserializer: resolveSerde(spec.valueDeserializer, defaultValueSerde, `Source "${name}" value`, run),
        timestampExtractor: spec.timestampExtractor,
        children: [],
      };
      for (const t of spec.topics ?? []) built.sourcesByTopic.set(topology.resolveTopic(t, appId), source);
      if (spec.pattern) built.patternSources.push(source);
      node = source;
    } else if (spec.kind === 'processor') {
      node = { kind: 'processor', name, processor: spec.supplier(), stores: new Set(spec.stores), children: [] };
    } else {
      node = {
        kind: 'sink',
        name,
        spec,
        topic: typeof spec.topic === 'string' ? topology.resolveTopic(spec.topic, appId) : undefined,
        extractor: typeof spec.topic === 'string' ? undefined : spec.topic,
        keySerializer: resolveSerde(spec.keySerializer, defaultKeySerde, `Sink "${name}" key`, run),
        valueSerializer: resolveSerde(spec.valueSerializer, defaultValueSerde, `Sink "${name}" value`, run),
        partitioner: spec.partitioner,
        children: [],
      };
    }
    built.nodes.set(name, node);
    if (spec.kind !== 'source') {
      for (const p of spec.predecessors) built.nodes.get(p)!.children.push(node);
    }
  }
  return built;
}
