/*
 * WireConnection: version negotiation, in-order responses, and what happens when a broker
 * misbehaves (wrong correlation id, no answer, an ApiVersions version it does not know). The
 * misbehaving brokers are small scripted TCP servers that answer with the project's codec.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WireConnection } from '../../src/client/connection.ts';
import { KafkaClientError, KafkaConnectionError, KafkaTimeoutError } from '../../src/client/errors.ts';
import { encodeResponse } from '../../src/protocol/frames.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { answerApiVersions, scriptedBroker } from './helpers/scripted-broker.ts';

describe('WireConnection', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('negotiates with the bundled broker and picks the highest common version', async () => {
    const broker: TestBroker = await startTestBroker();
    cleanups.push(() => broker.stop());
    const conn = await WireConnection.open({ host: '127.0.0.1', port: broker.port });
    cleanups.push(() => conn.close());
    const metadata = conn.versions.get(3)!;
    expect(metadata.max).toBeGreaterThanOrEqual(6);
    expect(conn.pickVersion(3)).toBe(Math.min(metadata.max, 12));
    expect(conn.pickVersion(3, { maxVersion: 1 })).toBe(1);
    expect(() => conn.pickVersion(3, { version: metadata.max + 1 })).toThrow(KafkaClientError);
  });

  it('matches many concurrent requests to their responses in order', async () => {
    const broker = await startTestBroker();
    cleanups.push(() => broker.stop());
    const conn = await WireConnection.open({ host: '127.0.0.1', port: broker.port });
    cleanups.push(() => conn.close());
    const names = Array.from({ length: 40 }, (_, i) => `topic-${i}`);
    const replies = await Promise.all(names.map((name) => conn.request(3, { topics: [{ name }], allowAutoTopicCreation: false }, { minVersion: 1 })));
    expect(replies.map((r) => r.body.topics[0]?.name)).toEqual(names);
  });

  it('reports a refused connection as a user-facing error naming the address', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await WireConnection.open({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaConnectionError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('retries ApiVersions at the version a broker lists when it refuses ours', async () => {
    const fake = await scriptedBroker((req, socket) => {
      if (req.apiVersion === 3) {
        // KIP-511: error 35 with a v0 body listing what the broker supports.
        socket.write(encodeResponse({ requestApiKey: 18, correlationId: req.header.correlationId }, 0, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] }));
      } else {
        answerApiVersions(req, socket, [{ apiKey: 18, minVersion: 0, maxVersion: 2 }, { apiKey: 3, minVersion: 0, maxVersion: 5 }]);
      }
    });
    cleanups.push(() => fake.close());
    const conn = await WireConnection.open({ host: '127.0.0.1', port: fake.port });
    cleanups.push(() => conn.close());
    expect(fake.seen.map((r) => [r.apiKey, r.apiVersion])).toEqual([
      [18, 3],
      [18, 2],
    ]);
    expect(conn.versions.get(3)).toEqual({ min: 0, max: 5 });
  });

  it('fails the connection when a response carries an unexpected correlation id', async () => {
    const fake = await scriptedBroker((req, socket) => {
      if (req.apiKey === 18) return answerApiVersions(req, socket);
      socket.write(encodeResponse({ requestApiKey: 3, correlationId: req.header.correlationId + 100 }, req.apiVersion, { brokers: [], topics: [] }));
    });
    cleanups.push(() => fake.close());
    const conn = await WireConnection.open({ host: '127.0.0.1', port: fake.port });
    const err = await conn.request(3, { topics: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaConnectionError);
    expect((err as Error).message).toMatch(/correlation id/);
    expect(conn.isOpen).toBe(false);
  });

  it('times out a request that gets no answer and rejects the ones behind it', async () => {
    const fake = await scriptedBroker((req, socket) => {
      if (req.apiKey === 18) answerApiVersions(req, socket);
    });
    cleanups.push(() => fake.close());
    const conn = await WireConnection.open({ host: '127.0.0.1', port: fake.port, requestTimeoutMs: 200 });
    const first = conn.request(3, { topics: [] }).catch((e: unknown) => e);
    const second = conn.request(3, { topics: [] }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(await first).toBeInstanceOf(KafkaTimeoutError);
    expect(await second).toBeInstanceOf(KafkaTimeoutError);
    expect(conn.isOpen).toBe(false);
  });
});
