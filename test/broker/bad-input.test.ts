// Bad input never crashes the broker: each case gets Kafka's error code or a closed connection
// (only that one), nothing half-written reaches the log, and another connection keeps working.
import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { encodeRequest } from '../../src/protocol/frames.ts';
import { RawClient, makeBatch } from './raw-client.ts';

let tb: TestBroker;
const clients: RawClient[] = [];
beforeEach(async () => {
  tb = await startTestBroker({ autoCreateTopics: false });
  const c = await client();
  await c.request(19, 3, {
    topics: [
      { name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      { name: 'small', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'max.message.bytes', value: '1000' }] },
    ],
    timeoutMs: 1000,
  });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await tb.stop();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(tb.port);
  clients.push(c);
  return c;
}

function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function produceBody(topic: string, records: Buffer | null, acks = -1) {
  return { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

async function logEnd(topic = 't'): Promise<number> {
  return tb.broker.partitions.get(topic, 0)!.logEndOffset;
}

/** Another connection can still produce and read metadata. */
async function stillServing(): Promise<void> {
  const c = await client();
  const res = await c.request(0, 7, produceBody('t', makeBatch([{ value: 'fine' }])));
  expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  const meta = await c.request(3, 1, { topics: null });
  expect(meta.topics.length).toBeGreaterThan(0);
}

describe('connection-level bad input closes only that connection', () => {
  it.each([
    ['a frame with negative size', Buffer.from([0x80, 0, 0, 0])],
    ['a frame larger than maxFrameBytes', Buffer.from([0x7f, 0xff, 0xff, 0xff])],
    ['a frame shorter than a request header', frame(Buffer.from([0, 3, 0]))],
    ['an unknown API key', frame(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff]))],
    ['Produce v2 (advertised but not served)', encodeRequest({ apiKey: 0, apiVersion: 2, correlationId: 1, clientId: 'x' }, produceBody('t', makeBatch([{ value: 'v' }])))],
    ['Fetch v12 (above the advertised max)', frame(Buffer.from([0, 1, 0, 12, 0, 0, 0, 1, 0xff, 0xff, 0]))],
    ['a Metadata body cut short', frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 5, 0, 3]))],
    ['a client id longer than the frame', frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0x7f, 0xff, 0x41]))],
  ])('%s', async (_name, bytes) => {
    const bad = await client();
    bad.sendRaw(bytes);
    expect(await bad.waitClosed()).toBe(true);
    await stillServing();
  });

  it('ApiVersions at an unsupported version is answered with error 35 and a v0 body, not closed', async () => {
    const c = await client();
    c.sendRaw(frame(Buffer.from([0, 18, 0, 9, 0, 0, 0, 42, 0xff, 0xff, 0, 0, 0])));
    const f = await c.nextFrame();
    expect(f.readInt32BE(0)).toBe(42); // correlation id, response header v0
    expect(f.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(f.readInt32BE(6)).toBeGreaterThanOrEqual(7); // the API list follows
    const res = await c.request(18, 2, {});
    expect(res.errorCode).toBe(0);
    expect(c.closed).toBe(false);
  });

  it('acks=0 Produce gets no reply, and a failed acks=0 Produce closes the connection', async () => {
    const c = await client();
    c.send(0, 7, produceBody('t', makeBatch([{ value: 'quiet' }]), 0));
    const meta = await c.request(3, 1, { topics: null }); // the next reply is Metadata's
    expect(meta.topics.map((t) => t.name)).toContain('t');
    expect(await logEnd()).toBe(1);
    c.send(0, 7, produceBody('missing', makeBatch([{ value: 'lost' }]), 0));
    expect(await c.waitClosed()).toBe(true);
    await stillServing();
  });
});

describe('Produce errors carry Kafka codes and write nothing', () => {
  it('bad CRC → CORRUPT_MESSAGE', async () => {
    const c = await client();
    const batch = makeBatch([{ value: 'corrupt me' }]);
    batch[batch.length - 2]! ^= 0xff;
    const res = await c.request(0, 7, produceBody('t', batch));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(await logEnd()).toBe(0);
    await stillServing();
    expect(await logEnd()).toBe(1);
  });

  it('a truncated batch and null records → CORRUPT_MESSAGE', async () => {
    const c = await client();
    const batch = makeBatch([{ value: 'cut' }]);
    for (const records of [batch.subarray(0, batch.length - 3), batch.subarray(0, 20), null]) {
      const res = await c.request(0, 7, produceBody('t', records));
      expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    }
    expect(await logEnd()).toBe(0);
  });

  it('a batch above max.message.bytes → MESSAGE_TOO_LARGE', async () => {
    const c = await client();
    const res = await c.request(0, 7, produceBody('small', makeBatch([{ value: 'z'.repeat(2000) }])));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(await logEnd('small')).toBe(0);
    const ok = await c.request(0, 7, produceBody('small', makeBatch([{ value: 'z'.repeat(100) }])));
    expect(ok.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  it('invalid topic name → INVALID_TOPIC_EXCEPTION; missing topic with auto-create off → UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await client();
    const bad = await c.request(0, 7, produceBody('no spaces allowed', makeBatch([{ value: 'v' }])));
    expect(bad.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const missing = await c.request(0, 7, produceBody('absent', makeBatch([{ value: 'v' }])));
    expect(missing.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.topic('absent')).toBeUndefined();
    const partition = await c.request(0, 7, { ...produceBody('t', makeBatch([{ value: 'v' }])), topicData: [{ name: 't', partitionData: [{ index: 3, records: makeBatch([{ value: 'v' }]) }] }] });
    expect(partition.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('acks=2 → INVALID_REQUIRED_ACKS', async () => {
    const c = await client();
    const res = await c.request(0, 7, produceBody('t', makeBatch([{ value: 'v' }]), 2));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect(await logEnd()).toBe(0);
  });

  it('a control batch from a client → INVALID_RECORD', async () => {
    const c = await client();
    const batch = makeBatch([{ value: 'v' }]);
    batch.writeInt16BE(0x30, 21);
    const { crc32c } = await import('../../src/util/crc32c.ts');
    batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
    const res = await c.request(0, 7, produceBody('t', batch));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(await logEnd()).toBe(0);
  });
});
