// PositionSerde (Kafka's org.apache.kafka.streams.state.internals.PositionSerde, PositionSerdeTest)
// and the changelog consistency headers (ChangelogRecordDeserializationHelper).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Position } from '../../../../src/streams/iq/v2/position.ts';
import { consistencyHeaders, deserializePosition, PositionSerdeError, positionFromHeaders, serializePosition } from '../../../../src/streams/iq/v2/position-serde.ts';

const positions = fc
  .array(fc.tuple(fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/), fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat()), { maxLength: 12 })
  .map((cs) => cs.reduce((p, [t, part, o]) => p.withComponent(t, part, o), Position.emptyPosition()));

describe('PositionSerde', () => {
  it('round-trips any position (PositionSerdeTest.shouldSerializeAndDeserialize…)', () => {
    fc.assert(
      fc.property(positions, (p) => {
        expect(deserializePosition(serializePosition(p)).toString()).toBe(p.toString());
      }),
    );
  });

  it('writes Kafka’s version-0 layout: version, topic count, then name length, name, pair count, partition int32 / offset int64', () => {
    const bytes = serializePosition(Position.emptyPosition().withComponent('t', 3, 258));
    expect(bytes.toString('hex')).toBe(['00', '00000001', '00000001', '74', '00000001', '00000003', '0000000000000102'].join(''));
    expect(serializePosition(Position.emptyPosition()).toString('hex')).toBe('0000000000');
  });

  it('reads headers written by Java applications, whose buffer is padded with zeros (sized in bits)', () => {
    const p = Position.emptyPosition().withComponent('orders', 0, 41).withComponent('orders', 1, 7);
    const padded = Buffer.concat([serializePosition(p), Buffer.alloc(300)]);
    expect(deserializePosition(padded).toString()).toBe(p.toString());
  });

  it('rejects an unknown version and truncated bytes with a message saying what is wrong', () => {
    expect(() => deserializePosition(Buffer.from([1, 0, 0, 0, 0]))).toThrow(new PositionSerdeError('Unknown version 1 when deserializing Position (this reader knows version 0)'));
    const cut = serializePosition(Position.emptyPosition().withComponent('t', 0, 5)).subarray(0, 16);
    expect(() => deserializePosition(cut)).toThrow(/truncated: the partition offsets of topic t needs 12 bytes/);
    expect(() => deserializePosition(Buffer.alloc(0))).toThrow(/truncated: the version/);
  });
});

describe('consistency headers (ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition)', () => {
  const warn: string[] = [];
  const w = (m: string) => warn.push(m);
  it('"v" = 0 with "c" gives the position; no "v" gives none', () => {
    const p = Position.emptyPosition().withComponent('in', 2, 9);
    expect(positionFromHeaders(consistencyHeaders(p), w)!.toString()).toBe(p.toString());
    expect(positionFromHeaders(undefined, w)).toBeUndefined();
    expect(positionFromHeaders({ other: Buffer.from('x') }, w)).toBeUndefined();
  });
  it('"v" = 0 without "c" is a corrupt changelog (Kafka throws); a newer "v" is skipped with a warning', () => {
    expect(() => positionFromHeaders({ v: Buffer.from([0]) }, w)).toThrow(/Consistency is enabled but the changelog contains records without consistency information/);
    expect(positionFromHeaders({ v: Buffer.from([1]), c: Buffer.from([9]) }, w)).toBeUndefined();
    expect(warn.at(-1)).toMatch(/larger version \(1\)/);
  });
});
