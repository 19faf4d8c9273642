/*
 * The producer's size estimate of a record, used to cut requests at maxRequestBytes and to rotate
 * the sticky partition for null keys. An estimate, not the encoded size: payload plus a fixed
 * allowance for the record's varints and attributes, plus each header's name and value.
 */
import type { ProducerRecord } from '../types.ts';

/** Estimated bytes of a record in a batch (payload plus varint/attribute overhead). */
export function estimatedRecordSize(r: Pick<ProducerRecord, 'key' | 'value' | 'headers'>): number {
  let n = 24 + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
  for (const k in r.headers) n += 8 + k.length + (r.headers[k]?.length ?? 0);
  return n;
}
