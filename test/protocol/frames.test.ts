import { describe, it, expect } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, encodeResponseChunks } from '../../src/protocol/frames.ts';
import { MalformedMessageError, UnknownApiKeyError, UnsupportedVersionError } from '../../src/protocol/protocol-errors.ts';
import { Writer } from '../../src/protocol/writer.ts';
import { Reader } from '../../src/protocol/reader.ts';
import { compile } from '../../src/protocol/schema.ts';
import type { MessageDef } from '../../src/protocol/schema.ts';

const strip = (frame: Buffer): Buffer => {
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return frame.subarray(4);
};

describe('request headers', () => {
  it('v2 (flexible) keeps client_id as an int16 string and adds a tag section', () => {
    const frame = encodeRequest(
      { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' },
      { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' },
    );
    // size | key 0012 | ver 0003 | corr 00000001 | int16 len 0007 'rdkafka' | header tags 00 |
    // compact 'librdkafka' (0b) | compact '2.0.2' (06) | body tags 00
    expect(frame.toString('hex')).toBe(
      '00000024' + '0012' + '0003' + '00000001' + '0007' + Buffer.from('rdkafka').toString('hex') + '00' +
        '0b' + Buffer.from('librdkafka').toString('hex') + '06' + Buffer.from('2.0.2').toString('hex') + '00',
    );
    const req = decodeRequest(strip(frame));
    expect(req.apiKey).toBe(18);
    expect(req.header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    expect(req.body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  it('v1 for non-flexible requests, with a null client id', () => {
    const frame = encodeRequest({ apiKey: 3, apiVersion: 1, correlationId: 7, clientId: null }, { topics: null });
    expect(frame.toString('hex')).toBe('0000000e' + '0003' + '0001' + '00000007' + 'ffff' + 'ffffffff');
    const req = decodeRequest(strip(frame));
    expect(req.header.clientId).toBeNull();
    if (req.apiKey !== 3) throw new Error('wrong key');
    expect(req.body.topics).toBeNull();
  });
});

describe('response frames', () => {
  it('ApiVersions v3 uses response header v0 (no tag byte) with a flexible body', () => {
    const frame = encodeResponse({ requestApiKey: 18, correlationId: 9 }, 3, {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 7 }],
      throttleTimeMs: 0,
    });
    // corr 00000009 | error 0000 | compact array 02 | 0000 0000 0007 00(tags) | throttle 00000000 | 00
    expect(frame.toString('hex')).toBe('00000013' + '00000009' + '0000' + '02' + '0000' + '0000' + '0007' + '00' + '00000000' + '00');
    const back = decodeResponse(18, 3, strip(frame));
    expect(back.correlationId).toBe(9);
    expect(back.body.apiKeys).toEqual([{ apiKey: 0, minVersion: 0, maxVersion: 7 }]);
    expect(back.body.supportedFeatures).toEqual([]);
  });

  it('a flexible Metadata response gets header v1 (one tag byte after the correlation id)', () => {
    const frame = encodeResponse({ requestApiKey: 3, correlationId: 2 }, 9, {});
    expect(frame.subarray(4, 9).toString('hex')).toBe('0000000200');
    expect(decodeResponse(3, 9, strip(frame)).body.brokers).toEqual([]);
  });

  it('Fetch responses can be emitted as chunks that reference stored batches', () => {
    const stored = Buffer.alloc(5000, 0xab);
    const body = {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 10n, records: [stored] }] }],
    };
    const chunks = encodeResponseChunks({ requestApiKey: 1, correlationId: 4 }, 11, body);
    expect(chunks.includes(stored)).toBe(true);
    const whole = Buffer.concat(chunks);
    expect(whole).toEqual(encodeResponse({ requestApiKey: 1, correlationId: 4 }, 11, body));
    const back = decodeResponse(1, 11, strip(whole));
    const p = back.body.responses[0]!.partitions[0]!;
    expect(p.records).toEqual(stored);
    expect(p.highWatermark).toBe(10n);
    expect(p.lastStableOffset).toBe(-1n);
  });

  it('omitted fields take their defaults and numbers are accepted for int64', () => {
    const frame = encodeResponse({ requestApiKey: 2, correlationId: 1 }, 2, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 42 }] }],
    });
    const p = decodeResponse(2, 2, strip(frame)).body.topics[0]!.partitions[0]!;
    expect(p).toEqual({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: 42n, leaderEpoch: -1 });
  });

  it('rejects a list of Buffers in a bytes (not records) field', () => {
    expect(() =>
      encodeResponse({ requestApiKey: 14, correlationId: 1 }, 3, { assignment: [Buffer.from('a')] as unknown as Buffer }),
    ).toThrow(/SyncGroupResponse\.Assignment: expected a Buffer for a bytes field, got an array/);
  });

  it('names the field when an encoder gets a bad value', () => {
    expect(() =>
      encodeResponse({ requestApiKey: 2, correlationId: 1 }, 2, { topics: [{ name: null as unknown as string }] }),
    ).toThrow(/ListOffsetsResponse\.Topics\[\]\.Name is null/);
  });
});

describe('decodeRequest errors', () => {
  it('an unknown api key carries the parsed header', () => {
    const w = new Writer();
    w.int16(77).int16(0).int32(5).nullableString('c');
    try {
      decodeRequest(w.finish());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownApiKeyError);
      expect((e as UnknownApiKeyError).header).toEqual({ apiKey: 77, apiVersion: 0, correlationId: 5, clientId: 'c' });
      expect((e as UnknownApiKeyError).code).toBe(35);
    }
  });

  it('an unsupported ApiVersions version carries the correlation id so the broker can answer', () => {
    const w = new Writer();
    w.int16(18).int16(4).int32(11).nullableString('plt').uvarint(0).compactString('x').compactString('y').uvarint(0);
    try {
      decodeRequest(w.finish());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedVersionError);
      expect((e as UnsupportedVersionError).header?.correlationId).toBe(11);
    }
  });

  it('a truncated body is a MalformedMessageError naming the API', () => {
    const frame = strip(encodeRequest({ apiKey: 0, apiVersion: 7, correlationId: 1, clientId: 'x' }, { acks: -1, timeoutMs: 100, topicData: [{ name: 'topic', partitionData: [] }] }));
    expect(() => decodeRequest(frame.subarray(0, frame.length - 3))).toThrow(MalformedMessageError);
    expect(() => decodeRequest(frame.subarray(0, frame.length - 3))).toThrow(/Produce v7 request \(correlation id 1\)/);
    expect(() => decodeRequest(Buffer.alloc(3))).toThrow(/shorter/);
  });
});

describe('tagged fields', () => {
  const v1Def: MessageDef = {
    name: 'Evolving',
    kind: 'data',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'A', type: 'int32', versions: '0+' },
      { name: 'Known', type: 'string', versions: '0+', tag: 1, taggedVersions: '0+', nullableVersions: '0+', default: null },
    ],
  };
  const v2Def: MessageDef = {
    ...v1Def,
    fields: [...v1Def.fields, { name: 'Future', type: 'int64', versions: '0+', tag: 5, taggedVersions: '0+', default: -1 }],
  };

  it('skips unknown tags and reads known ones', () => {
    const w = new Writer();
    compile(v2Def, 0).encode(w, { a: 1, known: 'k', future: 99n });
    const bytes = w.finish();
    // a | tags: count 2 | tag 1 size 2 compact 'k' | tag 5 size 8 int64
    expect(bytes.toString('hex')).toBe('00000001' + '02' + '01' + '02' + '026b' + '05' + '08' + '0000000000000063');
    expect(compile(v1Def, 0).decode(new Reader(bytes))).toEqual({ a: 1, known: 'k' });
  });

  it('does not write tagged fields that hold their default', () => {
    const w = new Writer();
    compile(v2Def, 0).encode(w, { a: 1, known: null, future: -1n });
    expect(w.finish().toString('hex')).toBe('0000000100');
  });
});
