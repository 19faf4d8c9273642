/*
 * The HTTP layer of the built-in query server, through KafkaStreams: started by start() when the
 * config asks, answering 503 + Retry-After while the instance cannot be RUNNING (here: its broker
 * is unreachable, so it stays REBALANCING — deterministic), guarded by a bearer token, stopped by
 * close(); and the config section validated with the field named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { InteractiveQueryClient, InteractiveQueryError } from '../../../src/streams/iq/query-client.ts';
import { KafkaStreams } from '../../../src/streams/runtime/kafka-streams.ts';
import type { StreamsConfigInput } from '../../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { freePort } from '../../integration/streams-helpers.ts';

const TOKEN = 'a-long-enough-test-token';

function topology() {
  const b = new StreamsBuilder();
  b.table('accounts', Consumed.with(Serdes.string(), Serdes.string()), Materialized.as<string, string>('accounts'));
  return b.build();
}

describe('the interactive-query server of a KafkaStreams instance', () => {
  let dir: string;
  let app: KafkaStreams | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-iq-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extra: Partial<StreamsConfigInput>): Promise<KafkaStreams> {
    const nobody = await freePort(); // nothing listens there: the instance stays REBALANCING
    app = new KafkaStreams(topology(), { applicationId: 'iq-http', bootstrapServers: `127.0.0.1:${nobody}`, stateDir: dir, retryBackoffMs: 50, logger: { warn: () => {}, error: () => {} }, ...extra });
    await app.start();
    return app;
  }

  it('answers 503 with Retry-After while the instance is not RUNNING, and stops with close()', async () => {
    const s = await start({ interactiveQueries: {} });
    const url = s.interactiveQueriesUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/stores/accounts/keys/ann`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ error: { code: 'NOT_AVAILABLE', message: expect.stringMatching(/"accounts" is not queryable now: this instance is REBALANCING/) } });
    const client = new InteractiveQueryClient(url);
    const err = await client.store<string, string>('accounts').get('ann').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractiveQueryError);
    expect(err).toMatchObject({ status: 503, code: 'NOT_AVAILABLE', retryAfter: 1 });
    // What the server knows without any task: the stores, and which requests are bad.
    expect(await client.stores()).toEqual([{ name: 'accounts', kind: 'keyValue', timestamped: true, keySerde: 'String', global: false }]);
    expect((await fetch(`${url}/stores/accounts/keys`, { method: 'POST', body: '{}' })).status).toBe(405);
    expect(await (await fetch(`${url}/stores/nope/keys/x`)).json()).toMatchObject({ error: { code: 'UNKNOWN_STORE' } });
    await s.close();
    expect(s.interactiveQueriesUrl).toBeUndefined();
    await expect(fetch(`${url}/stores`)).rejects.toThrow();
  });

  it('needs the bearer token when one is configured', async () => {
    const s = await start({ interactiveQueries: { bearerToken: TOKEN } });
    const url = s.interactiveQueriesUrl!;
    const denied = await fetch(`${url}/stores`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${url}/stores`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect(await new InteractiveQueryClient(url, { bearerToken: TOKEN }).stores()).toHaveLength(1);
  });

  it('rejects an invalid interactiveQueries section, naming the field', () => {
    const make = (iq: unknown) => new KafkaStreams(topology(), { applicationId: 'iq-http', bootstrapServers: '127.0.0.1:1', interactiveQueries: iq as StreamsConfigInput['interactiveQueries'] });
    expect(() => make({ listen: { port: 70_000 } })).toThrow(/interactiveQueries\.listen\.port: must be a port in 0\.\.65535/);
    expect(() => make({ bearerToken: 'short' })).toThrow(/interactiveQueries\.bearerToken: must be at least 16 characters/);
    expect(() => make({ listn: {} })).toThrow(/interactiveQueries/);
  });
});
