// The console's JSON API against a live broker with a running application: the numbers it
// shows are the broker's (records per topic, lag per group partition), the message browser
// decodes a produced record, the application's status record carries its topology and tasks;
// bad requests get clear errors; a secured broker needs the explicit opt-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.ts';
import type { GroupView, TopicDetail, TopicSummary } from '../../src/console/console-state.ts';
import type { AppView } from '../../src/console/app-directory.ts';
import type { MessagePage } from '../../src/console/message-browser.ts';
import type { HistoryView } from '../../src/console/console-history.ts';
import { APP_ID, RECORDS, startConsoleFixture, type ConsoleFixture } from './console-fixture.ts';
import { waitFor } from '../integration/streams-helpers.ts';

describe('web console API (live broker and app)', () => {
  let fx: ConsoleFixture;
  beforeAll(async () => {
    fx = await startConsoleFixture();
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('lists topics with partitions, record counts and sizes from the logs', async () => {
    const { status, body } = await fx.get<TopicSummary[]>('/api/topics');
    expect(status).toBe(200);
    const orders = body.find((t) => t.name === 'orders')!;
    expect(orders).toMatchObject({ partitions: 2, records: RECORDS, recordsIn: RECORDS, internal: false });
    expect(orders.sizeBytes).toBeGreaterThan(0);
    expect(body.find((t) => t.name === '__tributary_apps')?.internal).toBe(true);
    expect(body.map((t) => t.name)).toContain(`${APP_ID}-order-counts-changelog`);
  });

  it('describes one topic: offsets per partition and its configs', async () => {
    const { body } = await fx.get<TopicDetail>('/api/topics/orders');
    expect(body.partitionDetails.map((p) => [p.partition, p.logStartOffset, p.logEndOffset])).toEqual([
      [0, 0, RECORDS / 2],
      [1, 0, RECORDS / 2],
    ]);
    expect(body.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', source: 'default' });
    const changelog = await fx.get<TopicDetail>(`/api/topics/${APP_ID}-order-counts-changelog`);
    expect(changelog.body.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', source: 'topic' });
  });

  it('browses a partition by offset and returns the produced bytes', async () => {
    const { body } = await fx.get<MessagePage>('/api/topics/orders/partitions/0/messages?offset=0&limit=3');
    expect(body.records.map((r) => r.offset)).toEqual([0, 1, 2]);
    const first = body.records[0]!;
    expect(Buffer.from(first.key!.b64, 'base64').toString()).toBe('customer-json');
    expect(JSON.parse(Buffer.from(first.value!.b64, 'base64').toString())).toEqual({ id: 'order-json', amount: 42 });
    expect(body.nextOffset).toBe(3);
    const next = await fx.get<MessagePage>(`/api/topics/orders/partitions/0/messages?offset=${body.nextOffset}&limit=500`);
    expect(next.body.records.map((r) => r.offset)).toEqual(Array.from({ length: RECORDS / 2 - 3 }, (_, i) => i + 3));
    expect(next.body.nextOffset).toBe(RECORDS / 2);
  });

  it('shows the application group with its member, assignment and zero lag after catch-up', async () => {
    const { body } = await fx.get<GroupView[]>('/api/groups');
    const group = body.find((g) => g.groupId === APP_ID)!;
    expect(group.state).toBe('Stable');
    expect(group.members).toHaveLength(1);
    expect(group.members[0]!.assignment).toEqual([{ topic: 'orders', partitions: [0, 1] }]);
    expect(group.offsets.map((o) => [o.topic, o.partition, o.committed, o.lag])).toEqual([
      ['orders', 0, RECORDS / 2, 0],
      ['orders', 1, RECORDS / 2, 0],
    ]);
    expect(group.offsets.every((o) => o.owner === group.members[0]!.memberId)).toBe(true);
  });

  it('lag grows when records arrive that the group has not committed', async () => {
    await fx.streams.close();
    await fx.io.produce('orders', [{ key: 'late', value: 'x', partition: 1, timestamp: 1_700_000_001_000 }]);
    const { body } = await fx.get<GroupView[]>('/api/groups');
    const group = body.find((g) => g.groupId === APP_ID)!;
    expect(group.totalLag).toBe(1);
    expect(group.offsets.find((o) => o.partition === 1)?.lag).toBe(1);
    // The closed instance published its tombstone: it is gone from the applications.
    await waitFor(async () => (await fx.get<AppView[]>('/api/apps')).body.length === 0, 'the closed app leaves the list');
  });

  it('answered with the running application before it closed: topology graph, tasks, rates', async () => {
    // Re-read from the topic's history: the status records are still in the log (compaction has not run).
    const page = await fx.get<MessagePage>('/api/topics/__tributary_apps/partitions/0/messages?offset=0&limit=1');
    const status = JSON.parse(Buffer.from(page.body.records[0]!.value!.b64, 'base64').toString()) as AppView['instances'][number];
    expect(status.applicationId).toBe(APP_ID);
    expect(status.topology.mermaid.startsWith('flowchart TD')).toBe(true);
    const labels = status.topology.graph.nodes.map((n) => `${n.kind}:${n.label}`);
    expect(labels).toContain('topic:orders');
    expect(labels).toContain('store:order-counts');
    expect(labels).toContain('topic:order-counts-out');
  });

  it('samples throughput history for the charts', async () => {
    // The console samples every 2 s: wait for a sample that saw the group.
    const series = async () => Object.keys((await fx.get<HistoryView>('/api/history')).body.series);
    // A topic's rate needs two samples (the first has no previous total): wait for both series.
    await waitFor(async () => {
      const names = await series();
      return names.includes(`group-lag:${APP_ID}`) && names.includes('topic-in:orders');
    }, 'samples of the group lag and of the topic rate');
  });

  it('answers bad requests with a status and a message, and refuses writes', async () => {
    expect(await fx.get('/api/topics/nope')).toEqual({ status: 404, body: { error: 'no topic named "nope"' } });
    expect((await fx.get('/api/topics/orders/partitions/9/messages')).status).toBe(404);
    expect(await fx.get('/api/topics/orders/partitions/0/messages?offset=abc')).toEqual({ status: 400, body: { error: 'offset must be an integer (got "abc")' } });
    expect((await fx.get('/api/topics/orders/partitions/0/messages?limit=100000')).status).toBe(400);
    expect((await fx.get('/api/nothing')).status).toBe(404);
    const post = await fetch(new URL('/api/topics', fx.url), { method: 'POST' });
    expect(post.status).toBe(405);
    // A page served from another origin that rebinds its name to 127.0.0.1 sends its own Host.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(fx.url);
      request({ host: u.hostname, port: u.port, path: '/api/topics', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });
});

describe('web console on a secured broker', () => {
  it('is refused without the explicit opt-in, naming the option', async () => {
    await expect(Broker.start({ dataDir: '/nonexistent-never-created', port: 0, consolePort: 0, authorizer: { enabled: true } })).rejects.toThrow(/consolePort: .*consoleOnSecuredBroker/);
  });
});
