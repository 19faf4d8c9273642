/*
 * What the windowed DSL needs from a grouped stream, and what suppress needs to know about the
 * graph above a table.
 *
 * GroupedStreamHandle: KGroupedStream exposes this to windowedBy(...) so windowed aggregations
 * reuse its repartitioning (one repartition topic per Grouped name, as Kafka does).
 *
 * Grace registry: KTable.suppress(untilWindowCloses) waits for the grace period of the windows
 * that produced the table. Each windowed aggregation registers its graph node with its
 * windows' grace; suppress walks up the parents (through filter / mapValues / …) to the nearest
 * registered node on every path and takes the smallest grace — Kafka's GraphGraceSearchUtil.
 * For session windows the registered "grace" is grace + inactivity gap (a session ending at e
 * closes when stream time passes e + gap + grace).
 * A path that reaches a source without a windowed aggregation is an error: "window close" is
 * undefined for an unwindowed table.
 */
import type { GraphNode } from '../../graph/graph-node.ts';
import type { Serde } from '../../serde/serde.ts';
import type { InternalBuilder } from '../internal-builder.ts';

export interface GroupedStreamHandle<K, V> {
  readonly builder: InternalBuilder;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** The node an aggregation with this store hangs off, adding the repartition when needed. */
  aggregationParent(storeName: string): GraphNode;
}

const graceByNode = new WeakMap<GraphNode, number>();

export function registerWindowGrace(node: GraphNode, graceMs: number): void {
  graceByNode.set(node, graceMs);
}

export function findWindowGrace(node: GraphNode): number {
  const own = graceByNode.get(node);
  if (own !== undefined) return own;
  if (node.parents.length === 0 || node.parents.every((p) => p.parents.length === 0)) {
    throw new Error(
      'suppress(Suppressed.untilWindowCloses(...)) needs a windowed table: the window close time is only defined downstream of windowedBy(...).count/reduce/aggregate. ' +
        'Use Suppressed.untilTimeLimit(...) for other tables.',
    );
  }
  return Math.min(...node.parents.map(findWindowGrace));
}
