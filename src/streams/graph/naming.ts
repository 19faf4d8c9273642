/*
 * Generated names, exactly as Kafka Streams' InternalStreamsBuilder makes them, so a topology
 * built here describes() with the same node, store and internal topic names as the Java one:
 *
 *   processor: <PREFIX><index as 10 digits>          KSTREAM-FILTER-0000000001
 *   store:     <PREFIX>STATE-STORE-<10 digits>       KSTREAM-AGGREGATE-STATE-STORE-0000000003
 *
 * One counter serves both, and it also advances for names that are then not used (Kafka
 * "burns" indexes for compatibility: a user-named operator still takes an index, and a
 * repartition always takes three). The DSL calls these in the same order KStreamImpl does.
 */

export const Prefix = {
  KSTREAM_SOURCE: 'KSTREAM-SOURCE-',
  KSTREAM_SINK: 'KSTREAM-SINK-',
  KSTREAM_FILTER: 'KSTREAM-FILTER-',
  KSTREAM_PEEK: 'KSTREAM-PEEK-',
  KSTREAM_FOREACH: 'KSTREAM-FOREACH-',
  KSTREAM_MAP: 'KSTREAM-MAP-',
  KSTREAM_MAPVALUES: 'KSTREAM-MAPVALUES-',
  KSTREAM_FLATMAP: 'KSTREAM-FLATMAP-',
  KSTREAM_FLATMAPVALUES: 'KSTREAM-FLATMAPVALUES-',
  KSTREAM_KEY_SELECT: 'KSTREAM-KEY-SELECT-',
  KSTREAM_MERGE: 'KSTREAM-MERGE-',
  KSTREAM_BRANCH: 'KSTREAM-BRANCH-',
  KSTREAM_PROCESSOR: 'KSTREAM-PROCESSOR-',
  KSTREAM_REPARTITION: 'KSTREAM-REPARTITION-',
  KSTREAM_TOTABLE: 'KSTREAM-TOTABLE-',
  KSTREAM_AGGREGATE: 'KSTREAM-AGGREGATE-',
  KSTREAM_REDUCE: 'KSTREAM-REDUCE-',
  // Async operators (Tributary's, no Kafka counterpart): Kafka's prefix of the sync operator + ASYNC.
  KSTREAM_MAPVALUES_ASYNC: 'KSTREAM-MAPVALUES-ASYNC-',
  KSTREAM_FLATMAPVALUES_ASYNC: 'KSTREAM-FLATMAPVALUES-ASYNC-',
  KSTREAM_FILTER_ASYNC: 'KSTREAM-FILTER-ASYNC-',
  KSTREAM_PROCESSOR_ASYNC: 'KSTREAM-PROCESSOR-ASYNC-',
  KTABLE_SOURCE: 'KTABLE-SOURCE-',
  KTABLE_FILTER: 'KTABLE-FILTER-',
  KTABLE_MAPVALUES: 'KTABLE-MAPVALUES-',
  KTABLE_TOSTREAM: 'KTABLE-TOSTREAM-',
  KTABLE_SELECT: 'KTABLE-SELECT-',
  KTABLE_AGGREGATE: 'KTABLE-AGGREGATE-',
  KTABLE_REDUCE: 'KTABLE-REDUCE-',
} as const;

export const STATE_STORE_INFIX = 'STATE-STORE-';
export const TABLE_SOURCE_SUFFIX = '-source';

export class NameProvider {
  #index = 0;

  newProcessorName(prefix: string): string {
    return prefix + String(this.#index++).padStart(10, '0');
  }

  newStoreName(prefix: string): string {
    return prefix + STATE_STORE_INFIX + String(this.#index++).padStart(10, '0');
  }

  /** A user-given name wins, but the index is burned anyway (Kafka's orElseGenerateWithPrefix). */
  orElseGenerate(given: string | undefined, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return given ?? generated;
  }

  /** `given + suffix` if named, else a generated name; burns the index either way. */
  suffixOrElseGenerate(given: string | undefined, suffix: string, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return given !== undefined ? given + suffix : generated;
  }
}
