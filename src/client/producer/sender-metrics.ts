/*
 * What the sender tells producer-metrics when it writes a Produce request (sender.ts calls this
 * once per request): each batch's records and size as sent, its size before compression (only
 * estimated, and only when compressing: without compression the two are equal and nothing per
 * record is computed), the request's record count; and the clock reading its latency is
 * measured from (undefined without metrics, so a producer without them reads no clock).
 */
import type { CompressionCodec } from '../../protocol/records/compression.ts';
import type { ProducerMetrics } from '../metrics/client-metrics.ts';
import type { Batch } from './batch.ts';
import { estimatedRecordSize } from './record-size.ts';

const BATCH_HEADER_BYTES = 61;

export function recordBatchWritten(metrics: ProducerMetrics | undefined, batches: readonly Batch[], compression: CompressionCodec | undefined): number | undefined {
  if (metrics === undefined) return undefined;
  let records = 0;
  for (const b of batches) {
    const sent = b.bytes?.length ?? 0;
    let uncompressed = sent;
    if (compression !== undefined && compression !== 0) {
      uncompressed = BATCH_HEADER_BYTES;
      for (const r of b.records) uncompressed += estimatedRecordSize(r);
    }
    metrics.batch(b.records.length, sent, uncompressed);
    records += b.records.length;
  }
  metrics.request(records);
  return performance.now();
}
