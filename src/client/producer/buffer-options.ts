/*
 * The producer's send-buffer options, validated with zod so that a bad value names its field:
 *   bufferMemory   bytes of unacknowledged records held at most    Kafka: buffer.memory (32 MiB)
 *   maxBlockMs     how long a send waits for room or for metadata  Kafka: max.block.ms (60 s)
 * A buffer smaller than one record of the application's makes every send fail (RECORD_TOO_LARGE),
 * as in Kafka, so the bound is only a positive integer here.
 */
import * as z from 'zod/mini';
import { KafkaClientError } from '../errors.ts';
import { DEFAULT_BUFFER_MEMORY } from './buffer-budget.ts';

const bufferOptionsSchema = z.object({
  bufferMemory: z._default(z.int().check(z.positive('must be a positive number of bytes'), z.maximum(Number.MAX_SAFE_INTEGER)), DEFAULT_BUFFER_MEMORY),
  maxBlockMs: z._default(z.int().check(z.nonnegative('must be 0 or more milliseconds')), 60_000),
});

export interface BufferOptions {
  readonly bufferMemory: number;
  readonly maxBlockMs: number;
}

/** Defaults filled in; throws a non-retriable KafkaClientError naming each bad field. */
export function parseBufferOptions(input: { bufferMemory?: number | undefined; maxBlockMs?: number | undefined }): BufferOptions {
  const r = z.safeParse(bufferOptionsSchema, { bufferMemory: input.bufferMemory, maxBlockMs: input.maxBlockMs });
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${['producer options', ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new KafkaClientError(`invalid producer options:\n  ${lines.join('\n  ')}`, { retriable: false });
}
