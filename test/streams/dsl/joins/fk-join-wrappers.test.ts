// The foreign-key join's internal-topic and store bytes, as Kafka Streams writes them. The golden
// vectors are written by hand from apache/kafka's SubscriptionWrapperSerde (serializeV1 /
// serializeCommon), SubscriptionResponseWrapperSerde and CombinedKeySchema (toBytes,
// prefixBytes), one field per line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Instruction,
  combinedKeyBytes,
  combinedKeyPrefix,
  primaryKeyBytesOf,
  responseWrapperSerde,
  subscriptionWrapperSerde,
  type SubscriptionWrapper,
} from '../../../../src/streams/dsl/joins/fk-join-wrappers.ts';
import { valueAndTimestampSerde } from '../../../../src/streams/state/value-and-timestamp.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';

const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s/g, ''), 'hex');
const S = Serdes.string();
const HASH = hex('000102030405060708090a0b0c0d0e0f');
const subs = subscriptionWrapperSerde(S);
const responses = responseWrapperSerde(S);

describe('SubscriptionWrapper bytes (Kafka version 1)', () => {
  const withHash = hex(
    '01', // bit 7 clear: hash present; version 1
    '03', // instruction PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE
    '000102030405060708090a0b0c0d0e0f', // hash: two big-endian longs
    '6b', // primary key "k" (string serde)
    '00000002', // primary partition 2
  );
  const noHash = hex(
    '81', // bit 7 set: hash null; version 1
    '01', // instruction DELETE_KEY_AND_PROPAGATE
    '6162', // primary key "ab"
    '00000000', // primary partition 0
  );

  it('serializes the golden vectors', () => {
    expect(subs.serialize('t', { hash: HASH, instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, primaryKey: 'k', primaryPartition: 2 })).toEqual(withHash);
    expect(subs.serialize('t', { hash: null, instruction: Instruction.DELETE_KEY_AND_PROPAGATE, primaryKey: 'ab', primaryPartition: 0 })).toEqual(noHash);
  });

  it('deserializes them', () => {
    expect(subs.deserialize('t', withHash)).toEqual({ hash: HASH, instruction: 3, primaryKey: 'k', primaryPartition: 2 });
    expect(subs.deserialize('t', noHash)).toEqual({ hash: null, instruction: 1, primaryKey: 'ab', primaryPartition: 0 });
  });

  it('reads version 0 (Kafka before 3.4: no partition; the response then takes the default partitioner)', () => {
    expect(subs.deserialize('t', hex('00', '02', '000102030405060708090a0b0c0d0e0f', '6b'))).toEqual({ hash: HASH, instruction: 2, primaryKey: 'k', primaryPartition: -1 });
    expect(subs.deserialize('t', hex('80', '00', '6b6b'))).toEqual({ hash: null, instruction: 0, primaryKey: 'kk', primaryPartition: -1 });
  });

  it('in the subscription store and its changelog: an 8-byte timestamp, then the wrapper', () => {
    const stored = valueAndTimestampSerde(subs).serialize('c', { value: { hash: null, instruction: 1, primaryKey: 'ab', primaryPartition: 0 }, timestamp: 0x1234 });
    expect(stored).toEqual(Buffer.concat([hex('0000000000001234'), noHash]));
  });

  it('round-trips any subscription (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)), { nil: null }),
        fc.constantFrom(0, 1, 2, 3),
        fc.string(),
        fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        (hash, instruction, primaryKey, primaryPartition) => {
          const w = { hash, instruction, primaryKey, primaryPartition } as SubscriptionWrapper<string>;
          expect(subs.deserialize('t', subs.serialize('t', w))).toEqual(w);
        },
      ),
    );
  });

  it('rejects bytes that are no subscription, naming the topic', () => {
    expect(() => subs.deserialize('reg-topic', hex('05', '00', '6b'))).toThrow(/Subscription record on "reg-topic" is not a foreign-key subscription/);
    expect(() => subs.deserialize('reg-topic', hex('81', '07', '6b00000000'))).toThrow(/reg-topic/);
  });
});

describe('SubscriptionWrapper bytes written in version 0 (upgradeFrom 2.4–3.3 or tributary-0.1)', () => {
  // Kafka's serializeV0 (serializeCommon with no trailing partition), the bytes a Kafka 3.3
  // instance reads: its deserializer takes everything after the hash as the primary key.
  const v0 = subscriptionWrapperSerde(S, { primaryKeyTopic: undefined, writeVersion: 0, readTributary01: false });

  it('serializes the golden vectors', () => {
    expect(v0.serialize('t', { hash: HASH, instruction: Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, primaryKey: 'k', primaryPartition: 2 })).toEqual(
      hex(
        '00', // bit 7 clear: hash present; version 0
        '02', // instruction PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
        '000102030405060708090a0b0c0d0e0f', // hash
        '6b', // primary key "k"; no partition: version 0 has none
      ),
    );
    expect(v0.serialize('t', { hash: null, instruction: Instruction.DELETE_KEY_NO_PROPAGATE, primaryKey: 'kk', primaryPartition: 0 })).toEqual(hex('80', '00', '6b6b'));
  });

  it('is read back by every format, with the partition unknown (-1)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)), { nil: null }),
        fc.constantFrom(0, 1, 2, 3),
        fc.string(),
        fc.boolean(),
        (hash, instruction, primaryKey, tributary01) => {
          const w = { hash, instruction, primaryKey, primaryPartition: 7 } as SubscriptionWrapper<string>;
          const reader = subscriptionWrapperSerde(S, { primaryKeyTopic: undefined, writeVersion: 1, readTributary01: tributary01 });
          expect(reader.deserialize('t', v0.serialize('t', w))).toEqual({ ...w, primaryPartition: -1 });
        },
      ),
    );
  });
});

describe('SubscriptionResponseWrapper bytes (Kafka version 0)', () => {
  it('serializes and deserializes the golden vectors', () => {
    const cases = [
      // bit 7 clear: hash present; version 0 | hash | foreign value "x"
      [hex('00', '000102030405060708090a0b0c0d0e0f', '78'), { hash: HASH, foreignValue: 'x' }],
      // hash present, foreign value null: nothing after the hash
      [hex('00', '000102030405060708090a0b0c0d0e0f'), { hash: HASH, foreignValue: null }],
      // bit 7 set: hash null | foreign value "yz"
      [hex('80', '797a'), { hash: null, foreignValue: 'yz' }],
      [hex('80'), { hash: null, foreignValue: null }],
    ] as const;
    for (const [bytes, w] of cases) {
      // The partition routes the record (the sink's partitioner) but is not on the wire.
      expect(responses.serialize('t', { ...w, primaryPartition: 3 })).toEqual(bytes);
      expect(responses.deserialize('t', bytes)).toEqual({ ...w, primaryPartition: -1 });
    }
  });

  it('reads a foreign value that serializes to zero bytes as null, as Kafka does', () => {
    expect(responses.deserialize('t', responses.serialize('t', { hash: null, foreignValue: '', primaryPartition: 0 })).foreignValue).toBeNull();
  });

  it('round-trips any response with a non-empty foreign value or none (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)), { nil: null }),
        fc.option(fc.string({ minLength: 1 }), { nil: null }),
        (hash, foreignValue) => {
          expect(responses.deserialize('t', responses.serialize('t', { hash, foreignValue, primaryPartition: 0 }))).toEqual({ hash, foreignValue, primaryPartition: -1 });
        },
      ),
    );
  });

  it('rejects an unknown version, naming the topic', () => {
    expect(() => responses.deserialize('resp-topic', hex('02', '000102030405060708090a0b0c0d0e0f'))).toThrow(/Subscription response on "resp-topic" is not a foreign-key response.*version 2/);
    expect(() => responses.deserialize('resp-topic', hex('00', '0001'))).toThrow(/resp-topic/);
  });
});

describe('CombinedKey bytes (the subscription store key)', () => {
  it('is int32 foreign-key length | foreign key | primary key, and the prefix is its first part', () => {
    const key = combinedKeyBytes(S.serialize('t', 'fk'), S.serialize('t', 'pk'));
    expect(key).toEqual(hex('00000002', '666b', '706b'));
    expect(combinedKeyPrefix(S.serialize('t', 'fk'))).toEqual(hex('00000002', '666b'));
    expect(primaryKeyBytesOf(key)).toEqual(S.serialize('t', 'pk'));
  });
});

describe("Tributary's layouts before Kafka's (records left at an upgrade)", () => {
  it('reads every old response (its first byte 0x01 is no Kafka version)', () => {
    const old = hex(
      '01', // old version
      '03', // flags: hash present, foreign value present
      '000102030405060708090a0b0c0d0e0f', // hash
      '00000004', // partition
      '78', // foreign value "x"
    );
    expect(responses.deserialize('t', old)).toEqual({ hash: HASH, foreignValue: 'x', primaryPartition: -1 });
    expect(responses.deserialize('t', hex('01', '00', 'ffffffff'))).toEqual({ hash: null, foreignValue: null, primaryPartition: -1 });
    expect(() => responses.deserialize('t', hex('01', '09', '00'))).toThrow(/pre-Kafka layout/);
  });

  it('reads any old response (property, against the old layout written out here)', () => {
    const oldResponse = (hash: Buffer | null, value: Buffer | null, partition: number) => {
      const head = Buffer.alloc(6 + (hash === null ? 0 : 16));
      head[0] = 1;
      head[1] = (hash === null ? 0 : 1) | (value === null ? 0 : 2);
      hash?.copy(head, 2);
      head.writeInt32BE(partition, head.length - 4);
      return Buffer.concat([head, value ?? Buffer.alloc(0)]);
    };
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)), { nil: null }),
        fc.option(fc.string(), { nil: null }),
        fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        (hash, foreignValue, partition) => {
          const bytes = oldResponse(hash, foreignValue === null ? null : S.serialize('t', foreignValue), partition);
          expect(responses.deserialize('t', bytes)).toEqual({ hash, foreignValue, primaryPartition: -1 });
        },
      ),
    );
  });

  it('reads an old subscription whose bytes cannot be a Kafka one', () => {
    // Old: version 1 | instruction 2 | no hash | partition 5 | "k". As Kafka's layout, 0x01 would
    // promise a 16-byte hash the record is too short to hold.
    expect(subs.deserialize('t', hex('01', '02', '00', '00000005', '6b'))).toEqual({ hash: null, instruction: 2, primaryKey: 'k', primaryPartition: 5, fromTributary01: true });
  });

  it("without upgradeFrom 'tributary-0.1', reads an old subscription that is also well-formed in Kafka's layout as Kafka's", () => {
    const old = Buffer.concat([hex('01', '03', '01'), HASH, hex('00000000'), Buffer.from('k')]);
    const read = subs.deserialize('t', old);
    expect(read.hash).toEqual(Buffer.concat([hex('01'), HASH.subarray(0, 15)]));
    expect(read.primaryKey).toBe('\x0f\x00'); // the old hash's last byte and the old partition's first
    expect(read.primaryPartition).toBe(0x6b); // the old partition's last 3 bytes and "k"
  });
});
