/*
 * The DSL side of the foreign-key join `left.join(right, foreignKeyExtractor, joiner,
 * tableJoined?, materialized?)` — Kafka Streams' KTableImpl.doJoinOnForeignKey. It wires the
 * processors of fk-join-processors.ts through two internal topics:
 *
 *   left ─ KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-n ─▶ KTABLE-SINK ─▶
 *       [KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-n-topic] ─▶ KSTREAM-SOURCE ─▶
 *       KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (receive; subscription store) ─▶
 *       KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (join-foreign; reads right) ─┐
 *   right ─ KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (foreign-join; scans store) ─┤
 *       ─▶ KTABLE-SINK ─▶ [KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-m-topic] ─▶ KSTREAM-SOURCE ─▶
 *       KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR (reads left) ─▶
 *       KTABLE-FK-JOIN-OUTPUT (the result table; its store "KTABLE-FK-JOIN-OUTPUT-STATE-STORE-k")
 *
 * Names are generated in Kafka's order; with TableJoined.as("x") they become
 * "x-subscription-registration-topic", "x-subscription-store", "x-subscription-response-topic",
 * "x-result", … as in Kafka. Both internal topics are repartition-type internal topics (the
 * application id is prefixed at run time). Co-partition groups: the registration topic with
 * the right table's sources, the response topic with the left table's sources. The response
 * sink sends each answer back to the partition the subscription came from (or uses
 * TableJoined's partitioner); the registration sink uses TableJoined's otherPartitioner.
 *
 * Serdes: the registration record carries the left key and the store keys are built from the
 * right key, so both tables' KEY serdes must be known (Consumed/Materialized); the left value
 * serde is used for the value hash (a JSON rendering when unknown) and the right value serde
 * for responses (else the default value serde). Inside subscriptions, store keys and hashes they
 * see Kafka's "-pk"/"-fk"/"-vh" pseudo-topics (fk-join-topics.ts). The subscription serde is
 * resolved per run: its format follows the run's `upgradeFrom` (serde/upgrade-from.ts).
 */
import type { GraphNode } from '../../graph/graph-node.ts';
import { MaterializableProcessorNode, ProcessorGraphNode } from '../../graph/processor-nodes.ts';
import { RepartitionNode } from '../../graph/repartition-nodes.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { Serdes } from '../../serde/serdes.ts';
import { Stores } from '../../state/stores.ts';
import { dslStoreSuppliersOf } from '../../state/dsl-store-suppliers.ts';
import type { DefaultWrappingSerde, StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';
import type { Topology } from '../../topology/topology.ts';
import { KTable, tableSourceOrigin } from '../ktable.ts';
import { KeyValueMaterializer } from '../materialized-store.ts';
import { Materialized } from '../options/materialized.ts';
import type { TableJoined } from '../options/table-joined.ts';
import { tableSourceSupplier, type TableSourceState } from '../ops/ktable-source.ts';
import { valueAndTimestampSerde } from '../../state/value-and-timestamp.ts';
import { foreignTableJoinSupplier, responseJoinSupplier, subscriptionJoinSupplier, subscriptionReceiveSupplier, subscriptionSendSupplier, type ValueBytes } from './fk-join-processors.ts';
import { responseWrapperSerde, subscriptionWrapperSerde } from './fk-join-wrappers.ts';
import { subscriptionFormat, type FkRuntime } from './fk-join-topics.ts';
import { copartition, JoinProcessorNode } from './join-graph-nodes.ts';
import { requireValueGetter } from './value-getter.ts';

type AnyTable = KTable<unknown, unknown>;
type AnyFn = (...a: never[]) => unknown;

const FK_JOIN = 'KTABLE-FK-JOIN-';
const SUBSCRIPTION_REGISTRATION = FK_JOIN + 'SUBSCRIPTION-REGISTRATION-';
const SUBSCRIPTION_RESPONSE = FK_JOIN + 'SUBSCRIPTION-RESPONSE-';
const SUBSCRIPTION_PROCESSOR = FK_JOIN + 'SUBSCRIPTION-PROCESSOR-';
const STATE_STORE = FK_JOIN + 'SUBSCRIPTION-STATE-STORE-';
const RESOLVER = FK_JOIN + 'SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-';
const OUTPUT = FK_JOIN + 'OUTPUT-';
const TOPIC_SUFFIX = '-topic';

/** The subscription store: combined key bytes → ValueAndTimestamp<SubscriptionWrapper>, logged. */
class SubscriptionStoreFactory implements StoreFactory {
  readonly loggingEnabled = true;
  constructor(
    readonly name: string,
    private readonly wrapperSerde: (run: FkRuntime | undefined) => Serde<unknown>,
  ) {}
  build(options?: StoreBuildOptions) {
    const supplier = dslStoreSuppliersOf(options?.defaultStoreType ?? 'memory').keyValueStore({ name: this.name, isTimestamped: true });
    return Stores.keyValueStoreBuilder(supplier, Serdes.bytes(), valueAndTimestampSerde(this.wrapperSerde(options))).withLoggingEnabled().build();
  }
}

/** The registration topic's value serde: the subscription serde of the run (DefaultWrappingSerde). */
function runSubscriptionSerde(serdeOf: (run: FkRuntime | undefined) => Serde<unknown>): DefaultWrappingSerde {
  return { wrapsDefault: true, resolveDefault: (_default, run) => serdeOf(run) };
}

/** A processor node that also registers a co-partition group when the topology is built. */
class CopartitionNode extends ProcessorGraphNode {
  constructor(
    name: string,
    supplier: AnyProcessorSupplier,
    private readonly group: readonly GraphNode[],
    stores: readonly StoreFactory[],
  ) {
    super(name, supplier, stores);
  }
  override writeToTopology(topology: Topology): void {
    super.writeToTopology(topology);
    copartition(topology, this.group);
  }
}

function valueBytesOf<V>(serde: Serde<V> | undefined): ValueBytes<V> {
  if (serde !== undefined) return (topic, v) => serde.serialize(topic, v);
  return (_topic, v) => Buffer.from(JSON.stringify(v) ?? 'undefined');
}

export function foreignKeyJoin(
  self: AnyTable,
  other: AnyTable,
  extractor: AnyFn,
  joiner: AnyFn,
  leftJoin: boolean,
  tableJoined: TableJoined<unknown, unknown> | undefined,
  materialized: Materialized<unknown, unknown> | undefined,
): AnyTable {
  const b = self.builder;
  if (other.builder !== b) throw new Error('KTable foreign-key join: both tables must come from the same StreamsBuilder.');
  const what = `KTable foreign-key ${leftJoin ? 'leftJoin' : 'join'}`;
  const pkSerde = self.keySerde;
  const fkSerde = other.keySerde;
  if (pkSerde === undefined || fkSerde === undefined) {
    throw new Error(`${what}: the key serdes of both tables must be known (the ${pkSerde === undefined ? 'left' : 'right'} table's is not); create the tables with Consumed.with(keySerde, valueSerde) or Materialized.with(...).`);
  }
  other.origin.enableSendingOldValues(true);
  self.origin.enableSendingOldValues(true);
  const name = tableJoined?.name;
  const names = b.names;
  const registrationTopic = names.suffixOrElseGenerate(name, '-subscription-registration', SUBSCRIPTION_REGISTRATION) + TOPIC_SUFFIX;
  const wrapperSerde = (run: FkRuntime | undefined) => subscriptionWrapperSerde(pkSerde, subscriptionFormat(registrationTopic, run)) as Serde<unknown>;
  const sendName = names.suffixOrElseGenerate(name, '-subscription-registration-processor', SUBSCRIPTION_REGISTRATION);
  const send = b.add(self.graphNode, new ProcessorGraphNode(sendName, subscriptionSendSupplier(extractor as (v: unknown) => unknown, fkSerde, valueBytesOf(self.valueSerde), leftJoin, registrationTopic) as AnyProcessorSupplier));
  const regSinkName = names.suffixOrElseGenerate(name, '-subscription-registration-sink', 'KTABLE-SINK-');
  const regSourceName = names.suffixOrElseGenerate(name, '-subscription-registration-source', 'KSTREAM-SOURCE-');
  const otherPartitioner = tableJoined?.otherPartitioner;
  const registration = b.add(
    send,
    new RepartitionNode({
      topic: registrationTopic,
      sinkName: regSinkName,
      sourceName: regSourceName,
      filter: undefined,
      keySerde: fkSerde,
      valueSerde: runSubscriptionSerde(wrapperSerde),
      numberOfPartitions: undefined,
      partitioner: otherPartitioner === undefined ? undefined : (topic, key, _v, n) => otherPartitioner(topic, key, undefined, n),
    }),
  );
  const storeName = names.suffixOrElseGenerate(name, '-subscription-store', STATE_STORE);
  b.claimStoreName(storeName);
  const storeFactory = new SubscriptionStoreFactory(storeName, wrapperSerde);
  const receiveName = names.suffixOrElseGenerate(name, '-subscription-receive', SUBSCRIPTION_PROCESSOR);
  // The registration topic must be co-partitioned with the right table's inputs.
  const receive = b.add(registration, new CopartitionNode(receiveName, subscriptionReceiveSupplier(storeName, fkSerde, pkSerde, registrationTopic) as AnyProcessorSupplier, [registration, other.graphNode], [storeFactory]));
  const foreignGetter = requireValueGetter<unknown, unknown>(other.origin, what);
  const joinForeignName = names.suffixOrElseGenerate(name, '-subscription-join-foreign', SUBSCRIPTION_PROCESSOR);
  const joinForeign = b.add(receive, new JoinProcessorNode(joinForeignName, subscriptionJoinSupplier(foreignGetter) as AnyProcessorSupplier, () => foreignGetter.storeNames()));
  const foreignJoinName = names.suffixOrElseGenerate(name, '-foreign-join-subscription', SUBSCRIPTION_PROCESSOR);
  const foreignJoin = b.add(other.graphNode, new JoinProcessorNode(foreignJoinName, foreignTableJoinSupplier(storeName, fkSerde, pkSerde, registrationTopic) as AnyProcessorSupplier, () => [storeName]));

  const responseTopic = names.suffixOrElseGenerate(name, '-subscription-response', SUBSCRIPTION_RESPONSE) + TOPIC_SUFFIX;
  const respSinkName = names.suffixOrElseGenerate(name, '-subscription-response-sink', 'KTABLE-SINK-');
  const respSourceName = names.suffixOrElseGenerate(name, '-subscription-response-source', 'KSTREAM-SOURCE-');
  const partitioner = tableJoined?.partitioner;
  const foreignValueSerde = other.valueSerde;
  const response = b.add(
    [joinForeign, foreignJoin],
    new RepartitionNode({
      topic: responseTopic,
      sinkName: respSinkName,
      sourceName: respSourceName,
      filter: undefined,
      keySerde: pkSerde,
      valueSerde:
        foreignValueSerde !== undefined
          ? (responseWrapperSerde(foreignValueSerde) as Serde<unknown>)
          : {
              wrapsDefault: true,
              resolveDefault(d) {
                if (d === undefined) throw new Error(`${what}: the right table has no value serde; pass Consumed.with(...) or configure defaultValueSerde.`);
                return responseWrapperSerde(d) as Serde<unknown>;
              },
            },
      numberOfPartitions: undefined,
      partitioner:
        partitioner !== undefined
          ? (topic, key, _v, n) => partitioner(topic, key, undefined, n)
          : (_topic, _key, value) => {
              const p = (value as { primaryPartition: number }).primaryPartition;
              return p >= 0 ? p : undefined;
            },
    }),
  );
  const thisGetter = requireValueGetter<unknown, unknown>(self.origin, what);
  const resolverName = names.suffixOrElseGenerate(name, '-subscription-response-resolver', RESOLVER);
  // The response topic must be co-partitioned with the left table's inputs.
  const resolver = b.add(
    response,
    new JoinProcessorNode(resolverName, responseJoinSupplier(thisGetter, valueBytesOf(self.valueSerde), joiner as (a: unknown, b: unknown) => unknown, leftJoin, registrationTopic) as AnyProcessorSupplier, () => thisGetter.storeNames(), [response, self.graphNode]),
  );

  const resultName = names.suffixOrElseGenerate(name, '-result', OUTPUT);
  const m = materialized ?? Materialized.with<unknown, unknown>(undefined, undefined);
  const resultStore = m.storeName ?? names.newStoreName(OUTPUT);
  b.claimStoreName(resultStore);
  const keySerde = m.keySerde ?? pkSerde;
  const state: TableSourceState = { storeName: undefined, sendOldValues: false };
  const resultNode = b.add(resolver, new MaterializableProcessorNode(resultName, tableSourceSupplier(state) as unknown as AnyProcessorSupplier, new KeyValueMaterializer(resultStore, m, keySerde, m.valueSerde)));
  const origin = tableSourceOrigin(resultNode, state, resultStore);
  if (m.storeName !== undefined) origin.materialize();
  return new KTable(b, resultNode, keySerde, m.valueSerde, m.storeName, origin);
}
