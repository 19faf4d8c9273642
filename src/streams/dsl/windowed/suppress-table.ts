/*
 * KTable.suppress(...) — builds the suppress processor node and its buffer store, named as
 * Kafka Streams' KTableImpl.suppress does: processor "KTABLE-SUPPRESS-<n>" and store
 * "KTABLE-SUPPRESS-STATE-STORE-<n>", or "<name>" and "<name>-store" for Suppressed.withName.
 * The suppressed table asks its parent to send old values (the buffer keeps the prior value,
 * as Kafka's does) and passes that request on for its own downstream.
 */
import { ProcessorGraphNode } from '../../graph/processor-nodes.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { KTable } from '../ktable.ts';
import { recordTime, suppressBufferFactory, suppressProcessorSupplier, windowEndTime } from './suppress-processor.ts';
import type { Suppressed } from './suppressed.ts';
import { findWindowGrace } from './windowed-graph.ts';

const SUPPRESS_PREFIX = 'KTABLE-SUPPRESS-';

export function suppressTable<K, V>(table: KTable<K, V>, suppressed: Suppressed): KTable<K, V> {
  const b = table.builder;
  const name = suppressed.name ?? b.names.newProcessorName(SUPPRESS_PREFIX);
  const storeName = suppressed.name !== undefined ? `${suppressed.name}-store` : b.names.newStoreName(SUPPRESS_PREFIX);
  b.claimStoreName(storeName);
  const final = suppressed.kind === 'untilWindowCloses';
  const waitMs = final ? findWindowGrace(table.graphNode) : suppressed.timeLimitMs;
  const supplier = suppressProcessorSupplier<K, V>({
    storeName,
    waitMs,
    timeDefinition: final ? (r) => windowEndTime(r as StreamRecord<Windowed<unknown>, unknown>) : recordTime,
    bufferConfig: suppressed.bufferConfig,
    safeToDropTombstones: final,
    idleWatermarkMs: suppressed.idleWatermarkMs,
  });
  const factory = suppressBufferFactory(storeName, table.keySerde, table.valueSerde, suppressed.bufferConfig);
  table.origin.enableSendingOldValues(true);
  const node = b.add(table.graphNode, new ProcessorGraphNode(name, supplier as unknown as AnyProcessorSupplier, [factory]));
  return new KTable<K, V>(b, node, table.keySerde, table.valueSerde, undefined, {
    enableSendingOldValues: (force) => table.origin.enableSendingOldValues(force),
  });
}
