/*
 * The DSL side of KTable.join / leftJoin / outerJoin — Kafka Streams' KTableImpl.doJoin. It
 * decides which form was called (a third argument that is a function means a foreign-key join,
 * see foreign-key-join-dsl.ts), generates names in Kafka's order, turns on old values where the
 * join needs them, and adds one plan node of three processors:
 *
 *   <this table> → KTABLE-JOINTHIS-n  ┐
 *                                      ├→ KTABLE-MERGE-m (optionally materialized) → result
 *   <other table> → KTABLE-JOINOTHER-n'┘
 *
 * Name order (as Kafka): [Materialized without a name: store "KTABLE-MERGE-STATE-STORE-i"] →
 * merge name → join-this name → join-other name. A Named "x" gives "x", "x-join-this",
 * "x-join-other". The result's key serde is the Materialized one or this table's; its value
 * serde only what Materialized gives.
 *
 * Old values: a left join makes this table send old values, an outer join both (so a row that
 * disappears on the outer side can be retracted). When the join result is later asked for old
 * values (groupBy downstream), both sides are forced to send them and the join processors and
 * merge forward them.
 */
import { KTable, type TableOrigin } from '../ktable.ts';
import { KeyValueMaterializer } from '../materialized-store.ts';
import { Materialized } from '../options/materialized.ts';
import { nameOf, type NameLike } from '../options/named.ts';
import type { TableJoined } from '../options/table-joined.ts';
import type { TableOpConfig } from '../ops/table-forwarder.ts';
import { MultiPartJoinNode } from './join-graph-nodes.ts';
import { foreignKeyJoin } from './foreign-key-join-dsl.ts';
import { joinedValueGetter, tableJoinMergeSupplier, tableTableJoinSupplier, type NullableJoiner } from './ktable-ktable-join.ts';
import { requireValueGetter, storeValueGetter } from './value-getter.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';

type AnyTable = KTable<unknown, unknown>;
type AnyMaterialized = Materialized<unknown, unknown>;
type AnyFn = (...a: never[]) => unknown;

/** The arguments of either form of KTable.join / leftJoin (outerJoin has only the first). */
export type TableTableJoinArgs =
  | [other: AnyTable, joiner: AnyFn, named?: NameLike | AnyMaterialized, materialized?: AnyMaterialized]
  | [other: AnyTable, foreignKeyExtractor: AnyFn, joiner: AnyFn, tableJoined?: TableJoined<unknown, unknown>, materialized?: AnyMaterialized];

export function tableTableJoin(self: AnyTable, kind: 'inner' | 'left' | 'outer', args: TableTableJoinArgs): AnyTable {
  const [other, second, third, fourth, fifth] = args as unknown[];
  if (!(other instanceof KTable)) throw new TypeError(`KTable.${kind === 'inner' ? 'join' : kind + 'Join'}: the first argument must be a KTable, got ${String(other)}.`);
  if (typeof second !== 'function') throw new TypeError('KTable join: the second argument must be a function (a joiner, or a foreign-key extractor).');
  if (typeof third === 'function') {
    if (kind === 'outer') throw new TypeError('KTable.outerJoin has no foreign-key form (Kafka Streams has none either).');
    return foreignKeyJoin(self, other as AnyTable, second as AnyFn, third as AnyFn, kind === 'left', fourth as TableJoined<unknown, unknown> | undefined, fifth as AnyMaterialized | undefined);
  }
  let named: NameLike;
  let materialized: AnyMaterialized | undefined;
  if (third instanceof Materialized) materialized = third as AnyMaterialized;
  else {
    named = third as NameLike;
    materialized = fourth as AnyMaterialized | undefined;
  }
  return primaryKeyJoin(self, other as AnyTable, second as NullableJoiner<unknown, unknown, unknown>, kind, nameOf(named), materialized);
}

function primaryKeyJoin(self: AnyTable, other: AnyTable, joiner: NullableJoiner<unknown, unknown, unknown>, kind: 'inner' | 'left' | 'outer', name: string | undefined, materialized: AnyMaterialized | undefined): AnyTable {
  const b = self.builder;
  if (other.builder !== b) throw new Error('KTable join: both tables must come from the same StreamsBuilder.');
  const what = `KTable ${kind} join`;
  let storeName: string | undefined;
  if (materialized !== undefined) {
    storeName = materialized.storeName ?? b.names.newStoreName('KTABLE-MERGE-');
    b.claimStoreName(storeName);
  }
  const mergeName = b.names.orElseGenerate(name, 'KTABLE-MERGE-');
  if (kind !== 'inner') self.origin.enableSendingOldValues(true);
  if (kind === 'outer') other.origin.enableSendingOldValues(true);
  const thisGetter = requireValueGetter<unknown, unknown>(self.origin, what);
  const otherGetter = requireValueGetter<unknown, unknown>(other.origin, what);
  const thisName = b.names.suffixOrElseGenerate(name, '-join-this', 'KTABLE-JOINTHIS-');
  const otherName = b.names.suffixOrElseGenerate(name, '-join-other', 'KTABLE-JOINOTHER-');

  const thisConfig: TableOpConfig = { sendOldValues: false };
  const otherConfig: TableOpConfig = { sendOldValues: false };
  const mergeConfig: TableOpConfig = { sendOldValues: false };
  const reversed: NullableJoiner<unknown, unknown, unknown> = (v2, v1) => joiner(v1, v2);
  const thisKind = kind;
  const otherKind = kind === 'left' ? 'right' : kind;

  const keySerde = materialized?.keySerde ?? self.keySerde;
  const valueSerde = materialized?.valueSerde;
  const factory = storeName === undefined ? undefined : new KeyValueMaterializer(storeName, materialized!, keySerde, valueSerde);
  const node = b.add(
    [self.graphNode, other.graphNode],
    new MultiPartJoinNode(
      [
        { name: thisName, supplier: tableTableJoinSupplier(thisKind, otherGetter, joiner, thisConfig) as AnyProcessorSupplier, parents: () => [self.graphNode.outputName], readStores: () => otherGetter.storeNames(), ownStores: [] },
        { name: otherName, supplier: tableTableJoinSupplier(otherKind, thisGetter, reversed, otherConfig) as AnyProcessorSupplier, parents: () => [other.graphNode.outputName], readStores: () => thisGetter.storeNames(), ownStores: [] },
        { name: mergeName, supplier: tableJoinMergeSupplier(storeName, mergeConfig) as AnyProcessorSupplier, parents: () => [thisName, otherName], readStores: () => [], ownStores: factory === undefined ? [] : [factory] },
      ],
      [self.graphNode, other.graphNode],
    ),
  );
  const origin: TableOrigin = {
    enableSendingOldValues() {
      self.origin.enableSendingOldValues(true);
      other.origin.enableSendingOldValues(true);
      thisConfig.sendOldValues = otherConfig.sendOldValues = mergeConfig.sendOldValues = true;
      return true;
    },
    valueGetter: () => (storeName !== undefined ? storeValueGetter(storeName) : joinedValueGetter(kind, thisGetter, otherGetter, joiner)),
  };
  return new KTable(b, node, keySerde, valueSerde, storeName !== undefined && materialized!.storeName !== undefined ? storeName : undefined, origin);
}
