/*
 * The console's message browser: up to `limit` records of one partition from an offset, read
 * from the partition log (off the event loop, as Fetch does) and decoded. Keys, values and
 * header values go out as base64 with their size; the page decodes them as text, JSON or hex.
 *
 * Invariants: only records below the high watermark are shown (what a consumer could read);
 * control records (transaction markers) are skipped; an offset below the log start is moved up
 * to it and one past the end gives an empty page; a value longer than MAX_SHOWN_BYTES is cut
 * (its `size` stays the full length, `truncated` says so).
 */
import type { Broker } from '../broker/broker.ts';
import { readRecords } from './partition-reader.ts';

export const MAX_SHOWN_BYTES = 64 * 1024;
export const MAX_PAGE = 500;

export interface ShownBytes {
  readonly size: number;
  readonly b64: string;
  readonly truncated: boolean;
}

export interface BrowsedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: ShownBytes | null;
  readonly value: ShownBytes | null;
  readonly headers: readonly { key: string; value: ShownBytes | null }[];
}

export interface MessagePage {
  readonly topic: string;
  readonly partition: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
  /** The offset the page starts from after clamping. */
  readonly fromOffset: number;
  readonly records: readonly BrowsedRecord[];
  /** Where the next page starts (the offset after the last record shown). */
  readonly nextOffset: number;
}

export class BrowseError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BrowseError';
  }
}

function shown(bytes: Buffer | null): ShownBytes | null {
  if (bytes === null) return null;
  const cut = bytes.length > MAX_SHOWN_BYTES;
  return { size: bytes.length, b64: (cut ? bytes.subarray(0, MAX_SHOWN_BYTES) : bytes).toString('base64'), truncated: cut };
}

export async function browseMessages(broker: Broker, topic: string, partition: number, offset: number, limit: number): Promise<MessagePage> {
  if (!Number.isSafeInteger(partition) || partition < 0) throw new BrowseError(`partition must be a non-negative integer (got ${partition})`, 400);
  if (!Number.isSafeInteger(offset)) throw new BrowseError(`offset must be an integer (got ${offset})`, 400);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new BrowseError(`limit must be an integer in 1..${MAX_PAGE} (got ${limit})`, 400);
  if (broker.topic(topic) === undefined) throw new BrowseError(`no topic named "${topic}"`, 404);
  const log = broker.partitions.get(topic, partition);
  if (log === undefined) throw new BrowseError(`topic "${topic}" has no partition ${partition}`, 404);
  const start = log.logStartOffset;
  const from = Math.min(Math.max(offset, start), log.highWatermark);
  const read = await readRecords(log, from, limit);
  const records = read.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: shown(r.key), value: shown(r.value), headers: r.headers.map((h) => ({ key: h.key, value: shown(h.value) })) }));
  return { topic, partition, logStartOffset: start, highWatermark: read.highWatermark, fromOffset: from, records, nextOffset: read.next };
}
