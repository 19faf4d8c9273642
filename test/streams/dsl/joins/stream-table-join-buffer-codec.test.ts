// The stream–table join buffer's changelog bytes against vectors written by hand from Kafka's
// code (apache/kafka streams/src/main/java/org/apache/kafka/streams/state/internals/
// RocksDBTimeOrderedKeyValueBuffer.java put/logValue, PrefixedWindowKeySchemas.java
// TimeFirstWindowKeySchema.toStoreKeyBinary, BufferValue.java serialize(endPadding = 8) followed
// by putLong(BufferKey.time() = 0), and processor/internals/ProcessorRecordContext.java
// serialize), the buffer restoring such a record and writing exactly those bytes itself, and
// the reading of Tributary's earlier layout.
import { describe, expect, it } from 'vitest';
import {
  bufferKey,
  decodeChangelogRecord,
  encodeBufferEntry,
  keyBytesOf,
  keySequence,
  keyTimestamp,
} from '../../../../src/streams/dsl/joins/stream-table-join-buffer-codec.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

// Record key "k" (StringSerializer: UTF-8), timestamp 5, first sequence number of an instance (1).
const JAVA_KEY = hex('00 | 0000000000000005 | 6b | 00000001');
// Record value "v" from input topic "in", partition 0, offset 7, one header h = "x".
const JAVA_VALUE = hex(`
  0000000000000005 | 0000000000000007 | 00000002 696e | 00000000
  00000001 | 00000001 68 | 00000001 78
  ffffffff | ffffffff | 00000001 76
  0000000000000000`);

describe('stream–table join buffer layout (Kafka RocksDBTimeOrderedKeyValueBuffer)', () => {
  it('builds the time-first key: 0x00, timestamp, key bytes, sequence', () => {
    const key = bufferKey(Buffer.from('k'), 5, 1);
    expect(key).toEqual(JAVA_KEY);
    expect([keyTimestamp(key), keyBytesOf(key).toString(), keySequence(key)]).toEqual([5, 'k', 1]);
    // big-endian time first: byte order is time order, whatever the key bytes
    expect(Buffer.compare(bufferKey(Buffer.from('zz'), 255, 9), bufferKey(Buffer.from('a'), 256, 0))).toBe(-1);
  });

  it('encodes the value as BufferValue(null, null, value, context) ‖ buffer time 0', () => {
    const value = encodeBufferEntry({ context: { timestamp: 5, offset: 7, topic: 'in', partition: 0, headers: { h: Buffer.from('x') } }, value: Buffer.from('v') });
    expect(value.toString('hex')).toBe(JAVA_VALUE.toString('hex'));
  });

  it('reads a Java record as Kafka layout, keeping its context', () => {
    const d = decodeChangelogRecord('j-Buffer', 'record', JAVA_KEY, JAVA_VALUE);
    expect(d.layout).toBe('kafka');
    expect(d.key).toEqual(JAVA_KEY);
    expect(d.entry.value.toString()).toBe('v');
    expect(d.entry.context).toEqual({ timestamp: 5, offset: 7, topic: 'in', partition: 0, headers: { h: Buffer.from('x') } });
  });

  it('reads an empty topic as unknown and a Java header with a null value as absent', () => {
    const value = hex(`
      0000000000000009 | ffffffffffffffff | 00000000 | ffffffff
      00000001 | 00000001 68 | ffffffff
      ffffffff | ffffffff | 00000000
      0000000000000000`);
    const d = decodeChangelogRecord('j-Buffer', 'record', bufferKey(Buffer.from('k'), 9, 3), value);
    expect(d.layout).toBe('kafka');
    expect(d.entry.context).toEqual({ timestamp: 9, offset: -1, topic: undefined, partition: -1, headers: {} });
    expect(d.entry.value.length).toBe(0);
  });

  it("reads Tributary's earlier layout under the Kafka key 0x00 ‖ old key", () => {
    const oldKey = hex('0000000000000005 | 6b | 00000000');
    const oldValue = hex('00000001 | 00000001 68 | 00000001 78 | 76');
    const d = decodeChangelogRecord('j-Buffer', 'record', oldKey, oldValue);
    expect(d.layout).toBe('legacy');
    if (d.layout !== 'legacy') return;
    expect(d.legacyKey).toEqual(oldKey);
    expect(d.key).toEqual(hex('00 | 0000000000000005 | 6b | 00000000'));
    expect(d.entry.value.toString()).toBe('v');
    expect(d.entry.context).toEqual({ timestamp: 5, offset: -1, topic: undefined, partition: -1, headers: { h: Buffer.from('x') } });
  });

  it('names the store and the record when the bytes are in no known layout', () => {
    expect(() => decodeChangelogRecord('j-Buffer', 'changelog record at offset 41', hex('0001'), hex('00'))).toThrow(
      /join buffer "j-Buffer": changelog record at offset 41 .*neither Kafka's buffer layout nor Tributary's earlier one/,
    );
    expect(() => decodeChangelogRecord('j-Buffer', 'changelog record at offset 3', JAVA_KEY, hex('ffffffff'))).toThrow(/offset 3/);
  });
});
