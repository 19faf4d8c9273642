/*
 * The topic registry: the single source of truth for which topics exist, their partition count,
 * their topic id (a UUID, stable for the topic's life, needed by Metadata v10+/Fetch v13+) and
 * their config overrides. Partition data lives in the log manager; this file only holds metadata.
 *
 * Persistence: one JSON file, `<dataDir>/topic-registry.json`, rewritten whole on every change:
 *   1. write `topic-registry.json.tmp` and fsync it,
 *   2. rename it over `topic-registry.json` (atomic on POSIX),
 *   3. fsync the directory so the rename itself survives a power cut.
 * A crash at any point leaves either the old or the new file, never a mix. A leftover .tmp file
 * is ignored (and overwritten by the next write).
 *
 *   { "version": 1,
 *     "topics": [ { "name": "t", "topicId": "…uuid…", "partitions": 3,
 *                   "configs": { "retention.ms": "1000" }, "createdMs": 1700000000000 } ] }
 *
 * Concurrency: the broker mutates the in-memory map synchronously on the event loop (so a
 * second CreateTopics of the same name in the same tick already sees the first), then awaits
 * `persist()`. Writes are chained, so they hit the disk in mutation order and each one writes the
 * newest state.
 */
import { randomUUID } from 'node:crypto';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigValue, topicNameError } from './topic-config.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export const REGISTRY_FILE = 'topic-registry.json';

export interface TopicInfo {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: number;
  /** Config overrides (Kafka names → normalised string values). */
  readonly configs: Readonly<Record<string, string>>;
  readonly createdMs: number;
}

/**
 * The registry file cannot be used. Its message names the file, what is wrong and what to do;
 * callers (the CLI) show it as a user-facing error, not as a bug.
 */
export class TopicRegistryCorruptError extends Error {
  readonly code = 'ETOPICREGISTRY';
  constructor(file: string, problem: string) {
    super(
      `topic registry ${file} is damaged: ${problem}. Restore it from a backup or fix it by hand; do not just ` +
        'delete it — the broker removes every partition directory the registry does not list',
    );
    this.name = 'TopicRegistryCorruptError';
  }
}

interface RegistryFile {
  version: 1;
  topics: TopicInfo[];
}

export class TopicRegistry {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly byId = new Map<string, TopicInfo>();
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(private readonly dataDir: string) {}

  /** Loads the registry of `dataDir` (an absent file means no topics yet). */
  static async open(dataDir: string): Promise<TopicRegistry> {
    await mkdir(dataDir, { recursive: true });
    const reg = new TopicRegistry(dataDir);
    const file = join(dataDir, REGISTRY_FILE);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      let parsed: RegistryFile | null;
      try {
        parsed = JSON.parse(text) as RegistryFile | null;
      } catch (err) {
        throw new TopicRegistryCorruptError(file, `not valid JSON (${(err as Error).message})`);
      }
      if (parsed === null || typeof parsed !== 'object' || parsed.version !== 1 || !Array.isArray(parsed.topics)) {
        throw new TopicRegistryCorruptError(file, `unknown layout (version ${String(parsed?.version)}; expected version 1 with a topics array)`);
      }
      for (const t of parsed.topics) reg.insert(checkStored(t, file));
    }
    return reg;
  }

  get size(): number {
    return this.topics.size;
  }

  get(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  getById(topicId: string): TopicInfo | undefined {
    return this.byId.get(topicId);
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  /** All topics in name order. */
  list(): TopicInfo[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Adds a topic in memory (synchronously) and returns it; call `persist()` before acknowledging.
   * The caller has validated name, partitions and configs.
   */
  add(name: string, partitions: number, configs: Record<string, string>, nowMs: number): TopicInfo {
    if (this.topics.has(name)) throw new Error(`topic "${name}" already exists`);
    const info: TopicInfo = Object.freeze({
      name,
      topicId: randomUUID(),
      partitions,
      configs: Object.freeze({ ...configs }),
      createdMs: nowMs,
    });
    this.insert(info);
    return info;
  }

  /**
   * Sets a topic's partition count in memory (CreatePartitions raises it; a failed raise puts the
   * old count back) and returns the new entry; call `persist()` before acknowledging. The caller
   * has validated the count. Name, id, configs and creation time are kept.
   */
  setPartitions(name: string, partitions: number): TopicInfo {
    const old = this.topics.get(name);
    if (old === undefined) throw new Error(`topic "${name}" does not exist`);
    const info: TopicInfo = Object.freeze({ ...old, partitions });
    this.insert(info);
    return info;
  }

  /** Removes a topic in memory; returns what was removed. Call `persist()` afterwards. */
  remove(name: string): TopicInfo | undefined {
    const info = this.topics.get(name);
    if (info === undefined) return undefined;
    this.topics.delete(name);
    this.byId.delete(info.topicId);
    return info;
  }

  /** Writes the current state atomically; resolves once it is durable. */
  persist(): Promise<void> {
    const next = this.writeChain.then(() => this.writeNow());
    // Keep the chain alive after a failed write; the failure is reported to this caller.
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private insert(info: TopicInfo): void {
    this.topics.set(info.name, info);
    this.byId.set(info.topicId, info);
  }

  private writeNow(): Promise<void> {
    const body: RegistryFile = { version: 1, topics: this.list() };
    return writeFileAtomic(this.dataDir, REGISTRY_FILE, JSON.stringify(body, null, 1));
  }
}

function checkStored(t: TopicInfo, file: string): TopicInfo {
  const nameErr = topicNameError(t?.name);
  if (nameErr !== null) throw new TopicRegistryCorruptError(file, nameErr);
  if (!Number.isInteger(t.partitions) || t.partitions < 1) {
    throw new TopicRegistryCorruptError(file, `topic "${t.name}" has invalid partition count ${String(t.partitions)}`);
  }
  if (typeof t.topicId !== 'string' || !/^[0-9a-f-]{36}$/.test(t.topicId)) {
    throw new TopicRegistryCorruptError(file, `topic "${t.name}" has invalid topicId ${String(t.topicId)}`);
  }
  const configs: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.configs ?? {})) {
    const r = parseConfigValue(k, v);
    if (!r.ok) throw new TopicRegistryCorruptError(file, `topic "${t.name}": ${r.error}`);
    configs[k] = r.value;
  }
  return Object.freeze({
    name: t.name,
    topicId: t.topicId,
    partitions: t.partitions,
    configs: Object.freeze(configs),
    createdMs: Number(t.createdMs) || 0,
  });
}
