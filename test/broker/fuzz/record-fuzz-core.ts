/*
 * Shared core of the record fuzzers (the bounded CI suite in test/broker/record-fuzz.test.ts and
 * the long nightly run in benchmarks/broker/record-fuzz-nightly.ts).
 *
 * Cases:
 *   batchCase  a well-formed batch (random keys, values, headers, timestamps, any codec), then
 *              mutations of its record bytes and/or header fields, then — usually — the CRC and
 *              batchLength recomputed, so the broker's record-level validation is what decides;
 *   frameCase  a request header for any API key and version the broker serves, followed by random
 *              bytes, or a truncated/garbled valid Produce or Fetch.
 * Oracles:
 *   - a batch the broker acknowledges decodes with the strict client decoder, with recordCount
 *     records at consecutive offsets (`strictlyDecodes`);
 *   - every partition reads back whole with the strict decoder (`readAllStrictly`);
 *   - the process never crashes (an escaping exception fails the runner).
 */
import fc from 'fast-check';
import { buildRecordBatch, decodeRecordBatch, decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { BATCH_HEADER_SIZE, Offsets, updateCrc } from '../../../src/protocol/records/batch-header.ts';
import { encodeRequest } from '../../../src/protocol/frames.ts';
import { HANDLERS } from '../../../src/broker/handlers/index.ts';
import { RawClient } from '../raw-client.ts';

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

const recordArb = fc.record({
  key: fc.option(bytes(12), { nil: null }),
  value: fc.option(bytes(40), { nil: null }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 6 }), value: fc.option(bytes(6), { nil: null }) }), { maxLength: 2 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
});

const bodyMutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), data: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('varint' as const), at: fc.nat(), data: fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0x7f], [0x01], [0x80], [0xfe, 0xff, 0xff, 0xff, 0x0f]) }),
);

/** Header fields a liar would change (offsets in the v2 batch header). */
const headerMutation = fc.oneof(
  fc.record({ field: fc.constant('recordCount' as const), value: fc.integer({ min: -2, max: 0x7fffffff }) }),
  fc.record({ field: fc.constant('lastOffsetDelta' as const), value: fc.integer({ min: -2, max: 0x7fffffff }) }),
  fc.record({ field: fc.constant('both' as const), value: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ field: fc.constant('codec' as const), value: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ field: fc.constant('magic' as const), value: fc.integer({ min: 0, max: 3 }) }),
);

export const batchCase = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 6 }),
  codec: fc.constantFrom(0, 0, 0, 1, 2, 3, 4),
  body: fc.array(bodyMutation, { maxLength: 3 }),
  header: fc.array(headerMutation, { maxLength: 2 }),
  fixCrc: fc.constantFrom(true, true, true, true, false),
  partition: fc.nat(),
});
export type BatchCase = typeof batchCase extends fc.Arbitrary<infer T> ? T : never;

/** Builds the (possibly lying) batch a case describes. */
export function buildCase(c: BatchCase): Buffer {
  const valid = buildRecordBatch(c.records, { compression: c.codec });
  let body: Buffer = Buffer.from(valid.subarray(BATCH_HEADER_SIZE));
  for (const m of c.body) {
    if (body.length === 0) break;
    const at = m.at % body.length;
    if (m.kind === 'flip') body[at] = body[at]! ^ m.xor;
    else if (m.kind === 'cut') body = body.subarray(0, at);
    else body = Buffer.concat([body.subarray(0, at), Buffer.from(m.data), body.subarray(at)]);
  }
  const batch = Buffer.concat([valid.subarray(0, BATCH_HEADER_SIZE), body]);
  batch.writeInt32BE(batch.length - 12, Offsets.batchLength);
  for (const h of c.header) {
    if (h.field === 'recordCount') batch.writeInt32BE(h.value, Offsets.recordCount);
    else if (h.field === 'lastOffsetDelta') batch.writeInt32BE(h.value, Offsets.lastOffsetDelta);
    else if (h.field === 'both') {
      batch.writeInt32BE(h.value, Offsets.recordCount);
      batch.writeInt32BE(h.value - 1, Offsets.lastOffsetDelta);
    } else if (h.field === 'codec') batch.writeInt16BE((batch.readInt16BE(Offsets.attributes) & ~7) | h.value, Offsets.attributes);
    else batch.writeInt8(h.value, Offsets.magic);
  }
  if (c.fixCrc) updateCrc(batch);
  return batch;
}

/** True when the strict client decoder reads the batch whole, with consecutive offsets. */
export function strictlyDecodes(batch: Buffer): boolean {
  try {
    const d = decodeRecordBatch(batch);
    return (
      d.records.length === d.header.recordCount &&
      d.header.lastOffsetDelta === d.header.recordCount - 1 &&
      d.records.every((r, i) => r.offset === d.header.baseOffset + i)
    );
  } catch {
    return false;
  }
}

/** Produces one batch with acks=1 (Produce v8); resolves the partition's error code. */
export async function produceOne(c: RawClient, topic: string, partition: number, records: Buffer): Promise<number> {
  const res = await c.request(0, 8, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return res.responses[0]!.partitionResponses[0]!.errorCode;
}

/**
 * Reads each partition from offset 0 to its high watermark, decoding every batch strictly.
 * Returns the records read per partition; throws when anything cannot be decoded.
 */
export async function readAllStrictly(c: RawClient, topic: string, partitions: number): Promise<{ records: number; highWatermark: number }[]> {
  const out: { records: number; highWatermark: number }[] = [];
  for (let p = 0; p < partitions; p++) {
    let offset = 0;
    let records = 0;
    let highWatermark = -1;
    for (;;) {
      const res = await c.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const part = res.responses[0]!.partitions[0]!;
      if (part.errorCode !== 0) throw new Error(`fetch ${topic}-${p} at ${offset}: error ${part.errorCode}`);
      highWatermark = Number(part.highWatermark);
      if (offset >= highWatermark) break;
      const batches = decodeRecords(part.records);
      if (batches.length === 0) throw new Error(`fetch ${topic}-${p} at ${offset} returned no whole batch below the high watermark ${highWatermark}`);
      for (const b of batches) {
        b.records.forEach((r, i) => {
          if (r.offset !== b.header.baseOffset + i) throw new Error(`${topic}-${p}: record ${i} of the batch at ${b.header.baseOffset} has offset ${r.offset}`);
        });
        records += b.records.length;
        offset = b.header.baseOffset + b.header.lastOffsetDelta + 1;
      }
    }
    out.push({ records, highWatermark });
  }
  return out;
}

/** Every (API key, served version) pair, for frames that reach every decoder. */
const SERVED: { apiKey: number; version: number }[] = HANDLERS.flatMap((h) =>
  Array.from({ length: h.served.max - h.served.min + 1 }, (_, i) => ({ apiKey: h.apiKey, version: h.served.min + i })),
);

/** A framed request: a valid header for a served API/version and random body bytes. */
export const frameCase = fc.record({ pick: fc.nat(), body: fc.uint8Array({ maxLength: 96 }), clientId: fc.option(fc.string({ maxLength: 8 }), { nil: null }) }).map(({ pick, body, clientId }) => {
  const { apiKey, version } = SERVED[pick % SERVED.length]!;
  // Encode a header by encoding ApiVersions' empty body and patching key/version: the header
  // layout (v1 or v2 flexible) then depends on the target API, which the broker works out itself.
  const header = encodeRequest({ apiKey: 18, apiVersion: 0, correlationId: 7, clientId }, {}).subarray(4);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  const payload = Buffer.concat([header, Buffer.from(body)]);
  const frame = Buffer.alloc(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  return { apiKey, version, frame };
});

export const SERVED_API_VERSIONS = SERVED.length;

/** Sends one frame on a fresh connection and waits for a reply or a close (300 ms at most). */
export async function sendFrameAndSettle(port: number, frame: Buffer): Promise<void> {
  const raw = await RawClient.connect(port);
  try {
    raw.sendRaw(frame);
    // A body that claims more bytes than it has parks until the connection closes.
    await raw.nextFrame(300).catch(() => undefined);
  } finally {
    raw.close();
  }
}
