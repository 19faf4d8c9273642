/*
 * processValues(): a Processor API step that may change values but never keys — Kafka
 * Streams' FixedKeyProcessor, which is why it needs no repartition downstream. Lives beside
 * the joins because the same brief (issue "Streams time", part B) added it.
 *
 * Invariant enforced here: every record the processor forwards carries the key of the input
 * record being processed. A processor that forwards a different key gets an error naming the
 * node (Kafka makes this impossible by type; TypeScript cannot, so we check at run time). Records
 * forwarded from a punctuation (no input record) keep whatever key they carry.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';

export function fixedKeySupplier<K, V, VR>(supplier: ProcessorSupplier<K, V, K, VR>): ProcessorSupplier<K, V, K, VR> {
  return () => {
    const inner = supplier();
    let current: { key: K } | undefined;
    return {
      init(context) {
        const guarded: ProcessorContext<K, VR> = Object.create(context) as ProcessorContext<K, VR>;
        Object.defineProperty(guarded, 'forward', {
          value(record: Parameters<ProcessorContext<K, VR>['forward']>[0], childName?: string) {
            if (current !== undefined && !Object.is(record.key, current.key)) {
              throw new Error(`processValues processor "${context.nodeName}" forwarded key ${String(record.key)} for input key ${String(current.key)}; processValues may change values only — use process() to change keys.`);
            }
            context.forward(record, childName);
          },
        });
        inner.init?.(guarded);
      },
      process(record) {
        current = { key: record.key };
        try {
          inner.process(record);
        } finally {
          current = undefined;
        }
      },
      close() {
        inner.close?.();
      },
    };
  };
}
