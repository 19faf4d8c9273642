// The suppress buffer's changelog records, byte for byte as Kafka Streams writes them. The golden
// vectors below are written by hand from apache/kafka's InMemoryTimeOrderedKeyValueChangeBuffer
// (logValue: BufferValue.serialize with 8 bytes of end padding for the buffer time, header
// "v" = 3), BufferValue.serialize and ProcessorRecordContext.serialize, one field per line; the
// older versions from TimeOrderedKeyValueBufferChangelogDeserializationHelper.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLoggedEntry, encodeLoggedEntry, type LoggedEntry } from '../../../../src/streams/dsl/windowed/suppress-changelog-codec.ts';
import { SuppressBuffer, type BufferedRecord } from '../../../../src/streams/dsl/windowed/suppress-buffer.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord, StoreContext } from '../../../../src/streams/state/store-types.ts';

/** Hex with spaces, '|' and line breaks for readability. */
const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/[\s|]/g, ''), 'hex');
const V = (n: number) => ({ v: Buffer.from([n]) });
const CHANGELOG = { topic: 'app-s-changelog', partition: 0 };
const decode = (value: Buffer, headers: Record<string, Buffer> | undefined, offset = 0, timestamp?: number) =>
  decodeLoggedEntry('s', { value, offset, ...(headers === undefined ? {} : { headers }), ...(timestamp === undefined ? {} : { timestamp }) }, CHANGELOG);

// Version 3: buffer time 10; context timestamp 5, offset 7, topic "t", partition 1, header h=v;
// prior 0x07, old 0x07 (equal to prior: the -2 sentinel), new 0x09.
const V3_SAME = hex(
  '0000000000000005', // context timestamp (i64)
  '0000000000000007', // context offset (i64)
  '00000001 74', // topic length (i32) + "t"
  '00000001', // partition (i32)
  '00000001', // header count (i32)
  '00000001 68', // header key length + "h"
  '00000001 76', // header value length + "v"
  '00000001 07', // prior value length + bytes
  'fffffffe', // old value: -2 = the same bytes as the prior value
  '00000001 09', // new value length + bytes
  '000000000000000a', // buffer time (i64, the end padding)
);
const V3_SAME_ENTRY: LoggedEntry = {
  bufferTime: 10,
  context: { timestamp: 5, offset: 7, topic: 't', partition: 1, headers: { h: Buffer.from('v') } },
  prior: Buffer.from([7]),
  old: Buffer.from([7]),
  new: Buffer.from([9]),
};

// Version 3 with nulls: no topic (written ""), offset and partition unknown (-1), no headers,
// prior and old null, new 0xabcd, buffer time 20.
const V3_NULLS = hex(
  '0000000000000003', // context timestamp
  'ffffffffffffffff', // offset -1
  '00000000', // topic "" (Kafka never writes a null topic)
  'ffffffff', // partition -1
  '00000000', // no headers
  'ffffffff', // prior null (-1)
  'ffffffff', // old null (-1)
  '00000002 abcd', // new value
  '0000000000000014', // buffer time 20
);
const V3_NULLS_ENTRY: LoggedEntry = {
  bufferTime: 20,
  context: { timestamp: 3, offset: -1, topic: undefined, partition: -1, headers: {} },
  prior: null,
  old: null,
  new: Buffer.from([0xab, 0xcd]),
};

// The change of versions 0–2 (FullChangeSerde's legacy layout): old 0x02, new 0x03.
const CHANGE = hex('00000001 02', '00000001 03');
const CONTEXT = hex('0000000000000005', '0000000000000007', '00000001 74', '00000001', '00000000');

describe('suppress changelog: Kafka version 3 (what Tributary writes)', () => {
  it('encodes the golden vectors, with header v=3', () => {
    expect(encodeLoggedEntry({ ...V3_SAME_ENTRY, prior: V3_SAME_ENTRY.prior! })).toEqual({ value: V3_SAME, headers: V(3) });
    expect(encodeLoggedEntry({ ...V3_NULLS_ENTRY, prior: null }).value).toEqual(V3_NULLS);
  });

  it('decodes them', () => {
    expect(decode(V3_SAME, V(3))).toEqual(V3_SAME_ENTRY);
    expect(decode(V3_NULLS, V(3))).toEqual(V3_NULLS_ENTRY);
  });

  it('round-trips any entry (property)', () => {
    const bytes = fc.uint8Array({ maxLength: 20 }).map((u) => Buffer.from(u));
    const nullable = fc.option(bytes, { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          bufferTime: fc.integer({ min: 0, max: 2 ** 50 }),
          timestamp: fc.integer({ min: -1, max: 2 ** 50 }),
          offset: fc.integer({ min: -1, max: 2 ** 50 }),
          topic: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
          partition: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
          headers: fc.dictionary(fc.string(), bytes),
          prior: nullable,
          old: nullable,
          new: nullable,
          oldIsPrior: fc.boolean(),
        }),
        (g) => {
          const e: LoggedEntry & { prior: Buffer | null } = {
            bufferTime: g.bufferTime,
            context: { timestamp: g.timestamp, offset: g.offset, topic: g.topic, partition: g.partition, headers: g.headers },
            prior: g.prior,
            old: g.oldIsPrior ? g.prior : g.old,
            new: g.new,
          };
          const { value, headers } = encodeLoggedEntry(e);
          expect(decode(value, { ...headers })).toEqual(e);
        },
      ),
    );
  });

  it('rejects a truncated record or an unknown version, naming the store and the offset', () => {
    expect(() => decode(V3_SAME.subarray(0, V3_SAME.length - 1), V(3), 41)).toThrow(/suppress buffer "s": changelog record at offset 41 is not a buffer entry/);
    expect(() => decode(V3_SAME, V(9), 41)).toThrow(/offset 41.*unknown version header v=0x09/);
  });
});

describe('suppress changelog: older Kafka versions (restore only)', () => {
  it('version 2: context, change, prior, buffer time', () => {
    const v2 = Buffer.concat([CONTEXT, hex('0000000a'), CHANGE, hex('00000001 01'), hex('000000000000000b')]);
    expect(decode(v2, V(2))).toEqual({
      bufferTime: 11,
      context: { timestamp: 5, offset: 7, topic: 't', partition: 1, headers: {} },
      prior: Buffer.from([1]),
      old: Buffer.from([2]),
      new: Buffer.from([3]),
    });
  });

  it('version 2 header on version 3 bytes (Kafka 2.4.0–2.5.0) is read as version 3', () => {
    expect(decode(V3_SAME, V(2))).toEqual(V3_SAME_ENTRY);
  });

  it('version 1: buffer time, context, change — no prior value', () => {
    const v1 = Buffer.concat([hex('000000000000000c'), CONTEXT, hex('0000000a'), CHANGE]);
    expect(decode(v1, V(1))).toEqual({
      bufferTime: 12,
      context: { timestamp: 5, offset: 7, topic: 't', partition: 1, headers: {} },
      prior: undefined,
      old: Buffer.from([2]),
      new: Buffer.from([3]),
    });
  });

  it("version 0 (no header): buffer time and change; the changelog record's own context", () => {
    const v0 = Buffer.concat([hex('000000000000000d'), CHANGE]);
    expect(decodeLoggedEntry('s', { value: v0, offset: 99, timestamp: 8 }, CHANGELOG)).toEqual({
      bufferTime: 13,
      context: { timestamp: 8, offset: 99, topic: 'app-s-changelog', partition: 0, headers: {} },
      prior: undefined,
      old: Buffer.from([2]),
      new: Buffer.from([3]),
    });
  });
});

describe("suppress changelog: Tributary's layout before Kafka's (restore after upgrade)", () => {
  // No "v" header; first byte 0x01 (where a Kafka version-0 record starts with a buffer time's high byte).
  const legacy = (priorIsOld: boolean) =>
    hex(
      '01', // format version
      '000000000000000e', // buffer time 14
      '0000000000000006', // record timestamp
      priorIsOld ? '01' : '00', // flags: bit 0 = prior is the old value
      '00000002 696e', // topic "in"
      '00000001', // header count
      '00000001 68 00000001 76', // h=v
      priorIsOld ? 'fffffffe' : '00000001 01', // prior: -2 = same as old, else bytes
      '00000001 02', // old
      '00000001 03', // new
    );

  it('is detected and restored, prior value included', () => {
    const context = { timestamp: 6, offset: -1, topic: 'in', partition: -1, headers: { h: Buffer.from('v') } };
    expect(decode(legacy(false), undefined)).toEqual({ bufferTime: 14, context, prior: Buffer.from([1]), old: Buffer.from([2]), new: Buffer.from([3]) });
    expect(decode(legacy(true), undefined)).toEqual({ bufferTime: 14, context, prior: Buffer.from([2]), old: Buffer.from([2]), new: Buffer.from([3]) });
  });

  it('a damaged one is an error, not a silent misreading', () => {
    expect(() => decode(Buffer.concat([legacy(false), hex('00')]), undefined, 5)).toThrow(/offset 5.*1 bytes left over/);
  });
});

describe('SuppressBuffer on Kafka-format changelogs', () => {
  const context = (sent: CollectedRecord[]): StoreContext => ({
    applicationId: 'app',
    taskId: '0_0',
    partition: 0,
    stateDir: '/nonexistent',
    changelogTopic: undefined,
    collector: { send: (r) => sent.push(r) },
    currentTimestamp: () => 0,
    metrics: { record: () => {}, latency: false },
  });
  const bytesSerde = Serdes.bytes();
  const open = async (sent: CollectedRecord[] = []) => {
    const b = new SuppressBuffer<Buffer, Buffer>('s', bytesSerde, bytesSerde);
    await b.init(context(sent));
    return b;
  };
  const drain = (b: SuppressBuffer<Buffer, Buffer>) => {
    const out: BufferedRecord<Buffer, Buffer>[] = [];
    b.evictWhile(() => true, (r) => out.push(r));
    return out;
  };

  it('logs a buffered update as the golden version-3 record', async () => {
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    b.put(10, { key: Buffer.from('k'), value: { newValue: Buffer.from([9]), oldValue: Buffer.from([7]) }, timestamp: 5, headers: { h: Buffer.from('v') } }, { topic: 't', partition: 1, offset: 7 });
    b.flushCache();
    expect(sent).toEqual([{ topic: 'app-s-changelog', partition: 0, key: Buffer.from('k'), value: V3_SAME, timestamp: 5, headers: V(3) }]);
  });

  it("restores a Java application's records: version 3, then version 1 keeping the restored prior", async () => {
    const b = await open();
    const v1 = Buffer.concat([hex('000000000000000c'), CONTEXT, hex('0000000a'), CHANGE]);
    await b.restore([
      { key: Buffer.from('k'), value: V3_SAME, offset: 0, headers: V(3) },
      { key: Buffer.from('k'), value: v1, offset: 1, headers: V(1) },
      { key: Buffer.from('j'), value: v1, offset: 2, headers: V(1) },
    ]);
    expect(b.priorValueFor(Buffer.from('k'))).toEqual({ buffered: true, prior: Buffer.from([7]), timestamp: 5 });
    expect(b.priorValueFor(Buffer.from('j'))).toEqual({ buffered: true, prior: Buffer.from([2]), timestamp: 5 });
    expect(drain(b).map((r) => [r.key.toString(), r.value.oldValue, r.value.newValue])).toEqual([
      ['j', Buffer.from([2]), Buffer.from([3])],
      ['k', Buffer.from([2]), Buffer.from([3])],
    ]);
  });

  it('rewrites a restored legacy entry in the Kafka format at its next change', async () => {
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    const legacy = hex('01', '000000000000000e', '0000000000000006', '01', '00000002 696e', '00000000', 'fffffffe', '00000001 02', '00000001 03');
    await b.restore([{ key: Buffer.from('k'), value: legacy, offset: 0, headers: {} }]);
    b.put(1, { key: Buffer.from('k'), value: { newValue: Buffer.from([4]), oldValue: Buffer.from([3]) }, timestamp: 7, headers: {} }, { topic: 'in', partition: 0, offset: 3 });
    b.flushCache();
    expect(sent[0]!.headers).toEqual(V(3));
    expect(decode(sent[0]!.value!, V(3))).toEqual({
      bufferTime: 14, // the position the legacy entry had
      context: { timestamp: 7, offset: 3, topic: 'in', partition: 0, headers: {} },
      prior: Buffer.from([2]),
      old: Buffer.from([3]),
      new: Buffer.from([4]),
    });
  });
});
