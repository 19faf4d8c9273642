// Topic metadata persistence and topic config validation (src/broker/topic-registry.ts,
// src/broker/topic-config.ts).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTRY_FILE, TopicRegistry, TopicRegistryCorruptError } from '../../src/broker/topic-registry.ts';
import { describeTopicConfigs, toLogConfig, topicNameError, validateTopicConfigs } from '../../src/broker/topic-config.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tributary-registry-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('TopicRegistry', () => {
  it('persists topics, ids and configs across reopen', async () => {
    const dir = await tempDir();
    const reg = await TopicRegistry.open(dir);
    const a = reg.add('orders', 3, { 'retention.ms': '1000' }, 5);
    reg.add('audit', 1, {}, 6);
    await reg.persist();
    const again = await TopicRegistry.open(dir);
    expect(again.list().map((t) => t.name)).toEqual(['audit', 'orders']);
    expect(again.get('orders')).toEqual(a);
    expect(again.getById(a.topicId)?.name).toBe('orders');
    expect(a.topicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('removal is persisted and a leftover temp file is ignored', async () => {
    const dir = await tempDir();
    const reg = await TopicRegistry.open(dir);
    reg.add('x', 1, {}, 0);
    reg.add('y', 1, {}, 0);
    await reg.persist();
    expect(reg.remove('x')?.name).toBe('x');
    expect(reg.remove('x')).toBeUndefined();
    await reg.persist();
    await writeFile(join(dir, `${REGISTRY_FILE}.tmp`), 'garbage{');
    const again = await TopicRegistry.open(dir);
    expect(again.list().map((t) => t.name)).toEqual(['y']);
  });

  it('refuses a duplicate name and a corrupt registry file with a clear message', async () => {
    const dir = await tempDir();
    const reg = await TopicRegistry.open(dir);
    reg.add('t', 1, {}, 0);
    expect(() => reg.add('t', 1, {}, 0)).toThrow(/already exists/);
    await writeFile(join(dir, REGISTRY_FILE), '{not json');
    await expect(TopicRegistry.open(dir)).rejects.toThrow(/not valid JSON/);
    const file = join(dir, REGISTRY_FILE);
    for (const text of ['null', '{"version":1}', '{"version":1,"topics":[{"name":"t","partitions":0,"topicId":"x"}]}']) {
      await writeFile(file, text);
      const err = await TopicRegistry.open(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TopicRegistryCorruptError);
      expect((err as Error).message).toContain(`topic registry ${file} is damaged`);
      expect((err as Error).message).toContain('Restore it from a backup');
    }
  });

  it('writes readable JSON with version 1', async () => {
    const dir = await tempDir();
    const reg = await TopicRegistry.open(dir);
    reg.add('t', 2, {}, 0);
    await reg.persist();
    const json = JSON.parse(await readFile(join(dir, REGISTRY_FILE), 'utf8')) as { version: number; topics: unknown[] };
    expect(json.version).toBe(1);
    expect(json.topics).toHaveLength(1);
  });
});

describe('topic configs', () => {
  it('accepts the supported configs and normalises cleanup.policy', () => {
    const r = validateTopicConfigs([
      { name: 'cleanup.policy', value: 'delete,compact' },
      { name: 'retention.ms', value: '9223372036854775807' },
      { name: 'segment.bytes', value: '1024' },
    ]);
    expect(r).toEqual({ ok: true, configs: { 'cleanup.policy': 'compact,delete', 'retention.ms': '9223372036854775807', 'segment.bytes': '1024' } });
    const cfg = toLogConfig({ 'segment.ms': '100' }, r.ok ? r.configs : {});
    expect(cfg.cleanupPolicy).toBe('compact,delete');
    expect(cfg.retentionMs).toBe(Number.MAX_SAFE_INTEGER);
    expect(cfg.segmentBytes).toBe(1024);
    expect(cfg.segmentMs).toBe(100);
  });

  it.each([
    ['unknown.config', '1', /unknown topic config "unknown.config"/],
    ['retention.ms', 'soon', /expected an integer/],
    ['retention.ms', '-2', /≥ -1/],
    ['cleanup.policy', 'shred', /delete, compact/],
    ['segment.bytes', '10', /≥ 75/],
    ['max.message.bytes', null, /needs a value/],
  ])('rejects %s=%s', (name, value, message) => {
    const r = validateTopicConfigs([{ name, value }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('describes effective values and their source', () => {
    const entries = describeTopicConfigs({ 'segment.ms': '100' }, { 'retention.ms': '5' });
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '5', isDefault: false, source: 'topic' });
    expect(byName.get('segment.ms')).toMatchObject({ value: '100', source: 'broker' });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'delete', isDefault: true });
  });

  it.each([
    ['ok.topic_name-1', null],
    ['', /non-empty/],
    ['.', /not allowed/],
    ['..', /not allowed/],
    ['a'.repeat(250), /maximum is 249/],
    ['has space', /invalid/],
    ['ünïcode', /invalid/],
  ])('topic name %j', (name, expected) => {
    const err = topicNameError(name);
    if (expected === null) expect(err).toBeNull();
    else expect(err).toMatch(expected);
  });
});
