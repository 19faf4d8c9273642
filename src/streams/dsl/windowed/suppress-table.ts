/*
 * KTable.suppress(...) — builds the suppress processor node and its buffer store, named as
 * Kafka Streams' KTableImpl.suppress does: processor "KTABLE-SUPPRESS-<n>" and store
 * "KTABLE-SUPPRESS-STATE-STORE-<n>", or "<name>" and "<name>-store" for Suppressed.withName.
 * The suppressed table asks its parent to send old values (the buffer keeps the prior value,
 * as Kafka's does) and passes that request on for its own downstream. It can be looked up by
 * key (joins) when its parent can: see suppressedValueGetter.
 */
import { ProcessorGraphNode } from '../../graph/processor-nodes.ts';
import type { AnyProcessorSupplier } from '../../processor/processor.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { KTable } from '../ktable.ts';
import { recordTime, suppressBufferFactory, suppressProcessorSupplier, windowEndTime } from './suppress-processor.ts';
import type { Suppressed } from './suppressed.ts';
import { findWindowGrace } from './windowed-graph.ts';
import type { TableValueGetterSupplier } from '../joins/value-getter.ts';
import type { SuppressBuffer } from './suppress-buffer.ts';

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
  const parentGetter = table.origin.valueGetter;
  return new KTable<K, V>(b, node, table.keySerde, table.valueSerde, undefined, {
    enableSendingOldValues: (force) => table.origin.enableSendingOldValues(force),
    ...(parentGetter === undefined ? {} : { valueGetter: () => suppressedValueGetter(parentGetter.call(table.origin), storeName) }),
  });
}

/**
 * How a join looks up a suppressed table (Kafka's KTableSuppressProcessorSupplier.view): a key
 * waiting in the buffer reads as the value downstream last saw (the buffer's prior value); any
 * other key reads through to the parent table, whose value is then exactly what was emitted.
 * So a join never sees an update the suppression still holds back.
 */
function suppressedValueGetter(parent: TableValueGetterSupplier<unknown, unknown>, storeName: string): TableValueGetterSupplier<unknown, unknown> {
  return {
    storeNames: () => [...new Set([...parent.storeNames(), storeName])],
    create(context) {
      const inner = parent.create(context);
      const buffer = context.getStateStore<SuppressBuffer<unknown, unknown>>(storeName);
      return {
        get(key) {
          const p = buffer.priorValueFor(key);
          if (!p.buffered) return inner.get(key);
          return p.prior === null ? null : { value: p.prior, timestamp: p.timestamp };
        },
      };
    },
  };
}
