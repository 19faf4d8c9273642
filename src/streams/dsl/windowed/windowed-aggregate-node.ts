/*
 * Adds a windowed aggregate processor to the plan, with its store, and — when the user asked
 * for a late-record output (withLateRecords, an opt-in beyond Kafka Streams) — the two extra
 * nodes that output needs:
 *
 *   (repartition?) ─▶ <name> (aggregate, store) ─┬─▶ <name>-results (pass-through) ─▶ table ops …
 *                                                └─▶ <name>-late-records (sink: late topic)
 *
 * The aggregate then forwards results by child name to "<name>-results" and records no window
 * accepted to the sink, so downstream table operators never see late records. Without the
 * option the plan is exactly Kafka's (the aggregate's node is the table's node), so describe()
 * output is unchanged. Late records are written with the grouped stream's serdes unless the
 * Produced gives others; their key, value, timestamp and headers are the input record's.
 */
import type { GraphNode } from '../../graph/graph-node.ts';
import { ProcessorGraphNode, SinkGraphNode } from '../../graph/processor-nodes.ts';
import type { AnyProcessorSupplier, ProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import type { StoreFactory } from '../../topology/node-specs.ts';
import type { Produced } from '../options/produced.ts';
import { passThroughSupplier } from '../ops/stateless.ts';
import type { TableOpConfig } from '../ops/table-forwarder.ts';
import type { WindowedOutputs } from './window-aggregate-support.ts';
import { registerWindowGrace, type GroupedStreamHandle } from './windowed-graph.ts';

export interface LateRecordsOutput<K, V> {
  topic: string;
  produced?: Produced<K, V> | undefined;
}

export function addWindowedAggregate<K, V>(
  grouped: GroupedStreamHandle<K, V>,
  name: string,
  storeName: string,
  factory: StoreFactory,
  config: TableOpConfig,
  late: LateRecordsOutput<K, V> | undefined,
  makeSupplier: (outputs: WindowedOutputs) => ProcessorSupplier<K, V, unknown, unknown>,
  graceMs: number,
): GraphNode {
  const b = grouped.builder;
  const parent = grouped.aggregationParent(storeName);
  const resultsName = late === undefined ? undefined : `${name}-results`;
  const lateName = late === undefined ? undefined : (late.produced?.processorName ?? `${name}-late-records`);
  const supplier = makeSupplier({ config, resultsChild: resultsName, lateChild: lateName });
  const node = b.add(parent, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier, [factory]));
  registerWindowGrace(node, graceMs);
  if (late === undefined) return node;
  const results = b.add(node, new ProcessorGraphNode(resultsName!, passThroughSupplier() as AnyProcessorSupplier));
  b.add(
    node,
    new SinkGraphNode(lateName!, late.topic, {
      keySerializer: (late.produced?.keySerde ?? grouped.keySerde) as Serde<unknown> | undefined,
      valueSerializer: (late.produced?.valueSerde ?? grouped.valueSerde) as Serde<unknown> | undefined,
      partitioner: late.produced?.partitioner as never,
    }),
  );
  registerWindowGrace(results, graceMs);
  return results;
}
