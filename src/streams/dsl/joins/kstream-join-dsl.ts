/*
 * The DSL side of KStream.join / leftJoin / outerJoin — Kafka Streams' KStreamImpl.doJoin,
 * KStreamImplJoin, doStreamTableJoin and globalTableJoin. `KStream.join(x, …)` dispatches on
 * what x is: another KStream (windowed join), a KTable (lookup join) or a GlobalKTable (lookup
 * join through a key selector).
 *
 * Repartitioning: a stream whose key was changed upstream (map, selectKey, …) is sent through
 * an internal topic first, so equal keys meet in one task: for a stream-stream join
 * "<name>-left-repartition" / "<name>-right-repartition" with a StreamJoined name, else
 * "<stream's node name>-repartition"; for a stream-table join "<Joined name or the stream's
 * node name>-repartition". A GlobalKTable join never repartitions (every task has the table).
 * Co-partitioning: the sources feeding both sides of a stream-stream or stream-table join form
 * one co-partition group (join-graph-nodes.ts).
 *
 * Names (Kafka's order, so describe() matches): stream-stream → [repartitions] →
 * KSTREAM-WINDOWED ×2 → KSTREAM-JOINTHIS|OUTERTHIS → KSTREAM-JOINOTHER|OUTEROTHER →
 * KSTREAM-MERGE; stores "<join-this name>-store", "<join-other name>-store" and, for left/outer
 * joins, "KSTREAM-OUTERSHARED-<n>-store" (or "<StreamJoined store name>-this-join-store", …).
 * Under the single.store.self.join optimization, a join of a stream with itself (any join type,
 * as Kafka's rewrite) keeps only the first KSTREAM-WINDOWED (with the join-this store) and a
 * self-join processor named as the merge (kstream-kstream-self-join.ts); the other names are
 * generated all the same, as in Kafka.
 * Stream-table → [repartition] → KSTREAM-JOIN|LEFTJOIN. Global → KSTREAM-LEFTJOIN (Kafka uses
 * that prefix for both global forms).
 *
 * Joiners are called (value, otherValue, key): Kafka's ValueJoiner and ValueJoinerWithKey in one.
 */
import type { GraphNode } from '../../graph/graph-node.ts';
import type { RepartitionNode } from '../../graph/repartition-nodes.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { GlobalKTable } from '../global-ktable.ts';
import { KStream } from '../kstream.ts';
import { KTable } from '../ktable.ts';
import type { Joined } from '../options/joined.ts';
import { nameOf, type NameLike } from '../options/named.ts';
import type { StreamJoined } from '../options/stream-joined.ts';
import { passThroughSupplier } from '../ops/stateless.ts';
import { JoinProcessorNode, MultiPartJoinNode } from './join-graph-nodes.ts';
import { JoinWindows } from './join-windows.ts';
import { GRACE_NEEDS_VERSIONED, streamTableJoinSupplier, type StreamValueJoiner } from './kstream-ktable-join.ts';
import { StreamTableJoinBufferFactory } from './stream-table-join-buffer.ts';
import { joinWindowSupplier, streamStreamJoinSupplier, TimeTrackers } from './kstream-kstream-join.ts';
import { streamStreamSelfJoinSupplier } from './kstream-kstream-self-join.ts';
import { JoinWindowStoreFactory, OuterJoinStoreFactory, checkJoinStoreSupplier } from './stream-join-stores.ts';
import { requireValueGetter, storeValueGetter } from './value-getter.ts';

type AnyStream = KStream<unknown, unknown>;
type AnyJoiner = StreamValueJoiner<unknown, unknown, unknown, unknown>;
export type StreamJoinKind = 'inner' | 'left' | 'outer';

const methodName = (kind: StreamJoinKind) => (kind === 'inner' ? 'join' : `${kind}Join`);

/** Dispatches KStream.join/leftJoin/outerJoin on the type of the first argument. */
export function kstreamJoin(self: AnyStream, kind: StreamJoinKind, args: readonly unknown[]): AnyStream {
  const [other, a, b, c] = args;
  if (other instanceof KStream) {
    if (typeof a !== 'function') throw new TypeError(`KStream.${methodName(kind)}(stream, joiner, windows): the joiner must be a function.`);
    if (!(b instanceof JoinWindows)) throw new TypeError(`KStream.${methodName(kind)}(stream, joiner, windows): pass JoinWindows (e.g. JoinWindows.ofTimeDifferenceWithNoGrace(ms)) as the third argument.`);
    return streamStreamJoin(self, other as AnyStream, a as AnyJoiner, b, kind, c as StreamJoined<unknown, unknown, unknown> | undefined);
  }
  if (kind === 'outer') throw new TypeError('KStream.outerJoin joins only another KStream (with JoinWindows).');
  if (other instanceof KTable) {
    if (typeof a !== 'function') throw new TypeError(`KStream.${methodName(kind)}(table, joiner): the joiner must be a function.`);
    return streamTableJoin(self, other as KTable<unknown, unknown>, a as AnyJoiner, kind === 'left', b as Joined<unknown, unknown, unknown> | undefined);
  }
  if (other instanceof GlobalKTable) {
    if (typeof a !== 'function' || typeof b !== 'function') throw new TypeError(`KStream.${methodName(kind)}(globalTable, keySelector, joiner): both must be functions.`);
    return globalTableJoin(self, other as GlobalKTable<unknown, unknown>, a as (k: unknown, v: unknown) => unknown, b as AnyJoiner, kind === 'left', c as NameLike);
  }
  throw new TypeError(`KStream.${methodName(kind)}: the first argument must be a KStream, KTable or GlobalKTable, got ${String(other)}.`);
}

/** Generated-name repartitions already made per stream node (Kafka's KStreamImpl.repartitionNode). */
const reusedRepartitions = new WeakMap<GraphNode, RepartitionNode>();

/**
 * Repartitions `stream` under topic prefix `prefix` (Kafka's repartitionForJoin). Joining the
 * same re-keyed stream twice without names reuses one "<node>-repartition" topic; named joins
 * get one topic each. Three names are burned either way, as Kafka does.
 */
function repartitionForJoin(stream: AnyStream, prefix: string, keySerde: Serde<unknown> | undefined, valueSerde: Serde<unknown> | undefined): AnyStream {
  const k = keySerde ?? stream.keySerde;
  const v = valueSerde ?? stream.valueSerde;
  let node = stream.builder.streamRepartitionNode(prefix, k, v);
  if (prefix === stream.graphNode.nodeName) {
    const existing = reusedRepartitions.get(stream.graphNode);
    if (existing !== undefined) node = existing;
    else reusedRepartitions.set(stream.graphNode, node);
  }
  stream.builder.add(stream.graphNode, node);
  return new KStream(stream.builder, node, k, v, false);
}

function streamStreamJoin(self: AnyStream, otherIn: AnyStream, joiner: AnyJoiner, windows: JoinWindows, kind: StreamJoinKind, sj: StreamJoined<unknown, unknown, unknown> | undefined): AnyStream {
  const b = self.builder;
  if (otherIn.builder !== b) throw new Error('KStream join: both streams must come from the same StreamsBuilder.');
  const name = sj?.name;
  let left = self;
  let right = otherIn;
  if (left.repartitionRequired) left = repartitionForJoin(left, name !== undefined ? `${name}-left` : left.graphNode.nodeName, sj?.keySerde, sj?.valueSerde);
  if (right.repartitionRequired) right = repartitionForJoin(right, name !== undefined ? `${name}-right` : right.graphNode.nodeName, sj?.keySerde, sj?.otherValueSerde);

  const leftOuter = kind !== 'inner';
  const rightOuter = kind === 'outer';
  const joinThisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const joinOtherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const thisWindowedName = b.names.suffixOrElseGenerate(name, '-this-windowed', 'KSTREAM-WINDOWED-');
  const otherWindowedName = b.names.suffixOrElseGenerate(name, '-other-windowed', 'KSTREAM-WINDOWED-');
  const thisPrefix = rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-';
  const joinThisGenerated = b.names.newProcessorName(thisPrefix);
  const joinOtherGenerated = b.names.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-');
  const joinThisName = name !== undefined ? name + joinThisSuffix : joinThisGenerated;
  const joinOtherName = name !== undefined ? name + joinOtherSuffix : joinOtherGenerated;
  const mergeName = b.names.suffixOrElseGenerate(name, '-merge', 'KSTREAM-MERGE-');

  const base = sj?.storeName;
  const settings = { storeType: sj?.storeType, loggingEnabled: sj?.loggingEnabled ?? true, topicConfig: sj?.topicConfig ?? {} };
  const keySerde = sj?.keySerde ?? left.keySerde ?? right.keySerde;
  const leftSerde = sj?.valueSerde ?? left.valueSerde;
  const rightSerde = sj?.otherValueSerde ?? right.valueSerde;
  const thisSupplier = sj?.thisStoreSupplier === undefined ? undefined : checkJoinStoreSupplier(sj.thisStoreSupplier, windows, 'this');
  const otherSupplier = sj?.otherStoreSupplier === undefined ? undefined : checkJoinStoreSupplier(sj.otherStoreSupplier, windows, 'other');
  const thisStore = new JoinWindowStoreFactory(`${base === undefined ? joinThisGenerated : base + joinThisSuffix}-store`, windows, keySerde, leftSerde, settings, thisSupplier);
  const otherStore = new JoinWindowStoreFactory(`${base === undefined ? joinOtherGenerated : base + joinOtherSuffix}-store`, windows, keySerde, rightSerde, settings, otherSupplier);
  if (thisStore.name === otherStore.name) throw new Error(`KStream join: both window stores would be named "${thisStore.name}"; give StreamJoined a different store name.`);
  let outerStore: OuterJoinStoreFactory | undefined;
  // No outer store for the deprecated JoinWindows.of(): unmatched records are emitted eagerly.
  if (leftOuter && windows.spuriousResultFixEnabled) {
    const shared = rightOuter ? '-outer-shared-join' : '-left-shared-join';
    const outerName = base !== undefined ? base + shared : 'KSTREAM-OUTERSHARED-' + joinThisGenerated.substring(thisPrefix.length);
    outerStore = new OuterJoinStoreFactory(`${outerName}-store`, keySerde, leftSerde, rightSerde, settings);
  }
  for (const s of [thisStore, otherStore, outerStore]) if (s !== undefined) b.claimStoreName(s.name);

  const trackers = new TimeTrackers();
  const common = { windows, joiner, trackers, outerStoreName: outerStore?.name };
  const joinThis = streamStreamJoinSupplier({ ...common, isLeftSide: true, otherWindowStoreName: otherStore.name, outer: leftOuter });
  const joinOther = streamStreamJoinSupplier({ ...common, isLeftSide: false, otherWindowStoreName: thisStore.name, outer: rightOuter });
  const outerStores = outerStore === undefined ? [] : [outerStore];
  const none = () => [] as string[];
  const node = b.add(
    [left.graphNode, right.graphNode],
    new MultiPartJoinNode(
      [
        { name: thisWindowedName, supplier: joinWindowSupplier(thisStore.name) as AnyProcessorSupplier, parents: () => [left.graphNode.outputName], readStores: none, ownStores: [thisStore] },
        { name: otherWindowedName, supplier: joinWindowSupplier(otherStore.name) as AnyProcessorSupplier, parents: () => [right.graphNode.outputName], readStores: none, ownStores: [otherStore] },
        { name: joinThisName, supplier: joinThis as AnyProcessorSupplier, parents: () => [thisWindowedName], readStores: () => [otherStore.name], ownStores: outerStores },
        { name: joinOtherName, supplier: joinOther as AnyProcessorSupplier, parents: () => [otherWindowedName], readStores: () => [thisStore.name], ownStores: outerStores },
        { name: mergeName, supplier: passThroughSupplier() as AnyProcessorSupplier, parents: () => [joinThisName, joinOtherName], readStores: none, ownStores: [] },
      ],
      [left.graphNode, right.graphNode],
      // KIP-862: a join whose node has one parent at build (s.join(s), or two streams of one
      // topic once merged) may run through this side's store alone (MultiPartJoinNode.isSelfJoin).
      [
        { name: thisWindowedName, supplier: joinWindowSupplier(thisStore.name) as AnyProcessorSupplier, parents: () => [left.graphNode.outputName], readStores: none, ownStores: [thisStore] },
        { name: mergeName, supplier: streamStreamSelfJoinSupplier(thisStore.name, windows, joiner) as AnyProcessorSupplier, parents: () => [thisWindowedName], readStores: () => [thisStore.name], ownStores: [] },
      ],
    ),
  );
  // Kafka keeps only the StreamJoined key serde (it cannot tell whether the two sides' differ).
  return new KStream(b, node, sj?.keySerde, undefined, false);
}

function streamTableJoin(selfIn: AnyStream, table: KTable<unknown, unknown>, joiner: AnyJoiner, leftJoin: boolean, joined: Joined<unknown, unknown, unknown> | undefined): AnyStream {
  const b = selfIn.builder;
  if (table.builder !== b) throw new Error('KStream–KTable join: the stream and the table must come from the same StreamsBuilder.');
  let self = selfIn;
  if (self.repartitionRequired) self = repartitionForJoin(self, joined?.name ?? self.graphNode.nodeName, joined?.keySerde, joined?.valueSerde);
  const getter = requireValueGetter<unknown, unknown>(table.origin, `KStream ${leftJoin ? 'leftJoin' : 'join'} with a KTable`);
  const name = b.names.orElseGenerate(joined?.name, leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-');
  const grace = joined?.gracePeriodMs;
  let buffer: StreamTableJoinBufferFactory | undefined;
  if (grace !== undefined) {
    // A source table knows now whether it is versioned; a view of one (filter, mapValues) is checked at build, as Kafka does.
    if ('materialize' in table.origin && getter.historyRetentionMs?.() === undefined) throw new Error(GRACE_NEEDS_VERSIONED);
    buffer = new StreamTableJoinBufferFactory(`${name}-Buffer`, grace, joined?.keySerde ?? self.keySerde, joined?.valueSerde ?? self.valueSerde);
    b.claimStoreName(buffer.name);
  }
  const readStores = () => {
    if (grace !== undefined) {
      const retention = getter.historyRetentionMs?.();
      if (retention === undefined) throw new Error(GRACE_NEEDS_VERSIONED);
      if (retention < grace) throw new Error('History retention must be at least grace period.');
    }
    return getter.storeNames();
  };
  const supplier = streamTableJoinSupplier(getter, (k) => k, joiner, leftJoin, buffer?.name);
  const sides: GraphNode[] = [self.graphNode, table.graphNode];
  const node = b.add(self.graphNode, new JoinProcessorNode(name, supplier as AnyProcessorSupplier, readStores, sides, buffer === undefined ? [] : [buffer]));
  return new KStream(b, node, joined?.keySerde ?? self.keySerde, undefined, false);
}

function globalTableJoin(self: AnyStream, table: GlobalKTable<unknown, unknown>, keySelector: (k: unknown, v: unknown) => unknown, joiner: AnyJoiner, leftJoin: boolean, named: NameLike): AnyStream {
  const b = self.builder;
  const name = b.names.orElseGenerate(nameOf(named), 'KSTREAM-LEFTJOIN-');
  // A global store is readable from every task without being connected (connecting it would
  // merge sub-topologies), so the node reads no stores through the topology.
  const supplier = streamTableJoinSupplier(storeValueGetter(table.storeName), keySelector, joiner, leftJoin);
  const node = b.add(self.graphNode, new JoinProcessorNode(name, supplier as AnyProcessorSupplier, () => []));
  return new KStream(b, node, self.keySerde, undefined, self.repartitionRequired);
}
