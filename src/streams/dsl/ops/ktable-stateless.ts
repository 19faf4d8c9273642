/*
 * Table operators that need no store of their own: filter / filterNot, mapValues, toStream —
 * Kafka Streams' KTableFilter, KTableMapValues and the KTABLE-TOSTREAM mapper.
 *
 * They transform both halves of a Change. The old half is computed only when this operator was
 * asked to send old values (which it then asks of its parent too — see KTable).
 *  filter:    a row that fails the predicate becomes null (a delete downstream); if both halves
 *             are null while sending old values, nothing changed downstream and nothing is sent.
 *  mapValues: maps non-null halves; null stays null.
 *  toStream:  forwards (key, newValue) — deletes become null-value records.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import { withValue } from '../../processor/record.ts';
import { derivedChange, type Change } from './change.ts';
import type { TableOpConfig } from './table-forwarder.ts';

export function tableFilterSupplier<K, V>(predicate: (key: K, value: V) => boolean, filterNot: boolean, config: TableOpConfig): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  const keep = (key: K, value: V | null): V | null => (value !== null && predicate(key, value) !== filterNot ? value : null);
  return () => {
    let ctx: ProcessorContext<K, Change<V>>;
    return {
      init(c) {
        ctx = c;
      },
      process(r) {
        const newValue = keep(r.key, r.value.newValue);
        const oldValue = config.sendOldValues ? keep(r.key, r.value.oldValue) : null;
        if (config.sendOldValues && newValue === null && oldValue === null) return;
        ctx.forward(withValue(r, derivedChange(r.value, newValue, oldValue)));
      },
    };
  };
}

export function tableMapValuesSupplier<K, V, VR>(mapper: (value: V, key: K) => VR, config: TableOpConfig): ProcessorSupplier<K, Change<V>, K, Change<VR>> {
  return () => {
    let ctx: ProcessorContext<K, Change<VR>>;
    return {
      init(c) {
        ctx = c;
      },
      process(r) {
        const newValue = r.value.newValue === null ? null : mapper(r.value.newValue, r.key);
        const oldValue = config.sendOldValues && r.value.oldValue !== null ? mapper(r.value.oldValue, r.key) : null;
        ctx.forward(withValue(r, derivedChange(r.value, newValue, oldValue)));
      },
    };
  };
}

export function tableToStreamSupplier<K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> {
  return () => {
    let ctx: ProcessorContext<K, V | null>;
    return {
      init(c) {
        ctx = c;
      },
      process(r) {
        ctx.forward(withValue(r, r.value.newValue));
      },
    };
  };
}
