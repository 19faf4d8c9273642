// Request and connection limits of a live broker: idle connections are closed
// (connections.max.idle.ms), connections beyond max.connections / max.connections.per.ip are
// refused while admitted ones keep working, and a Metadata request naming many unknown topics
// auto-creates a bounded number of them, and none once its connection has gone.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { encodeRequest } from '../../src/protocol/frames.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { MAX_AUTO_CREATE_PER_REQUEST } from '../../src/broker/handlers/03-metadata.ts';
import type { ConnectionContext, Outcome } from '../../src/broker/connection.ts';
import { RawClient } from './raw-client.ts';

const started: TestBroker[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const b of started.splice(0)) await b.stop();
});

async function broker(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<TestBroker> {
  const tb = await startTestBroker(opts);
  started.push(tb);
  return tb;
}

async function client(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

const apiVersions = (c: RawClient) => c.request(18, 0, {});

describe('connection limits', () => {
  it('closes a connection that stays idle longer than connectionsMaxIdleMs', async () => {
    const tb = await broker({ connectionsMaxIdleMs: 100 });
    const c = await client(tb.port);
    expect((await apiVersions(c)).errorCode).toBe(0);
    expect(await c.waitClosed()).toBe(true);
    // Other connections are unaffected: a new one is served.
    expect((await apiVersions(await client(tb.port))).errorCode).toBe(0);
  });

  it('refuses connections beyond maxConnectionsPerIp; the admitted ones keep working', async () => {
    const tb = await broker({ maxConnectionsPerIp: 2 });
    const a = await client(tb.port);
    const b = await client(tb.port);
    expect((await apiVersions(a)).errorCode).toBe(0);
    expect((await apiVersions(b)).errorCode).toBe(0);
    const third = await client(tb.port);
    expect(await third.waitClosed()).toBe(true);
    expect((await apiVersions(a)).errorCode).toBe(0);
    a.close();
    await a.waitClosed();
    // The slot is given back once the broker has seen the close.
    for (;;) {
      const next = await client(tb.port);
      const ok = await apiVersions(next).then(
        () => true,
        () => false,
      );
      if (ok) break;
    }
  });

  it('refuses connections beyond maxConnections', async () => {
    const tb = await broker({ maxConnections: 1 });
    const a = await client(tb.port);
    expect((await apiVersions(a)).errorCode).toBe(0);
    const b = await client(tb.port);
    expect(await b.waitClosed()).toBe(true);
    expect(tb.broker.connectionCount).toBe(1);
  });
});

describe('Metadata auto-creation limits', () => {
  it(`creates at most ${MAX_AUTO_CREATE_PER_REQUEST} topics per request and answers the rest UNKNOWN_TOPIC_OR_PARTITION`, async () => {
    const tb = await broker();
    const c = await client(tb.port);
    const names = Array.from({ length: MAX_AUTO_CREATE_PER_REQUEST + 20 }, (_, i) => `many-${i}`);
    const res = await c.request(3, 4, { topics: names.map((name) => ({ name })), allowAutoTopicCreation: true });
    const created = res.topics.filter((t) => t.errorCode === 0);
    expect(created).toHaveLength(MAX_AUTO_CREATE_PER_REQUEST);
    expect(res.topics.filter((t) => t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toHaveLength(20);
    expect(tb.broker.topics.list().filter((t) => t.name.startsWith('many-'))).toHaveLength(MAX_AUTO_CREATE_PER_REQUEST);
  });

  it('stops creating topics once the requesting connection has closed', async () => {
    const tb = await broker();
    let checks = 0;
    // A connection that goes away after the handler has looked at it three times.
    const conn: ConnectionContext = {
      id: 99,
      remote: 'test',
      principal: 'User:ANONYMOUS',
      get isClosed() {
        return ++checks > 3;
      },
      onClose: () => () => undefined,
    };
    const frame = encodeRequest({ apiKey: 3, apiVersion: 4, correlationId: 1, clientId: 't' }, {
      topics: Array.from({ length: 50 }, (_, i) => ({ name: `gone-${i}` })),
      allowAutoTopicCreation: true,
    });
    const outcome: Outcome = await tb.broker.dispatcher.handleFrame(frame.subarray(4), conn);
    expect(outcome.kind).toBe('none');
    expect(tb.broker.topics.list().filter((t) => t.name.startsWith('gone-')).length).toBe(3);
  });
});
