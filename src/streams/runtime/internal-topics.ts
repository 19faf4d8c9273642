/*
 * Internal topics at application start: compute how many partitions every repartition and
 * changelog topic needs, create the missing ones, validate the existing ones, and wait until the
 * new ones are visible in metadata — Kafka Streams' RepartitionTopics + InternalTopicManager.
 *
 * Partition counts (all names resolved to "<applicationId>-<name>"):
 *   source topics      must exist (an application does not create its input); their counts are
 *                      read from the cluster
 *   repartition topic  the explicit count (Repartitioned.numberOfPartitions) when given; else the
 *                      max partition count of the source topics of the sub-topologies that write to
 *                      it — those sources may be repartition topics themselves, so the counts are
 *                      computed to a fixpoint (topics fed only by undecidable chains are an error)
 *   co-partitioning    in a co-partition group (joined streams) the repartition topics without an
 *                      explicit count take the group's max over its other topics; then every topic
 *                      of the group must have the same count, else an error names them all
 *   changelog topic    partitions = the task count of the sub-topology owning the store (max
 *                      partition count of its source topics, pattern matches included; a
 *                      stateful pattern source with no match yet is waited for like a missing
 *                      source topic); configs from the store's factory
 *                      (storeChangelogConfig: compact; window/session stores compact,delete with
 *                      retention.ms = retention + 1 day; stream-join buffers delete)
 * Existing internal topics are validated, never silently reused: a wrong partition count is an
 * InternalTopicError naming the topic, the expected and the actual count (delete it, or reset the
 * application, to recreate it).
 */
import type { Admin } from '../../client/types.ts';
import { storeChangelogConfig } from '../topology/node-specs.ts';
import type { Topology } from '../topology/topology.ts';

export class InternalTopicError extends Error {
  override readonly name = 'InternalTopicError';
  readonly fatal = true;
}

export interface InternalTopicPlan {
  readonly topic: string;
  readonly kind: 'repartition' | 'changelog';
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface EnsureInternalTopicsOptions {
  readonly applicationId: string;
  /** Replication factor of created topics; -1 = broker default. */
  readonly replicationFactor: number;
  /** How long to wait for created topics to appear in metadata. Default 30 s. */
  readonly timeoutMs?: number | undefined;
}

/** Computes the plan from the topology and the partition counts of existing topics (pure). */
export function planInternalTopics(topology: Topology, applicationId: string, existing: ReadonlyMap<string, number>): InternalTopicPlan[] {
  const resolve = (t: string): string => topology.resolveTopic(t, applicationId);
  const subs = topology.subtopologies();
  const internal = topology.internalTopics();
  const counts = new Map<string, number>();

  // Sources that are not internal must exist.
  const missing = new Set<string>();
  for (const s of subs) {
    for (const t of s.sourceTopics) {
      if (internal.has(t)) continue;
      const n = existing.get(t);
      if (n === undefined) missing.add(t);
      else counts.set(t, n);
    }
  }
  if (missing.size > 0) {
    throw new InternalTopicError(`Source topic(s) ${[...missing].sort().join(', ')} of application "${applicationId}" do not exist; create them before starting the application.`);
  }
  // Max over the sources whose count is known; a repartition source not decided yet is skipped
  // (Kafka's RepartitionTopics does the same), so cycles through repartition topics — a
  // foreign-key join's subscription and response topics — resolve from the sources they share.
  const sourceCount = (s: (typeof subs)[number]): number | undefined => {
    let max: number | undefined;
    for (const t of s.sourceTopics) {
      const n = counts.get(internal.has(t) ? resolve(t) : t);
      if (n !== undefined) max = Math.max(max ?? 0, n);
    }
    for (const p of s.sourcePatterns) for (const [t, n] of existing) if (p.test(t)) max = Math.max(max ?? 0, n);
    return max;
  };

  // Repartition topics: explicit counts, then the fixpoint over writers' sources.
  const repartition = [...internal.values()];
  for (const spec of repartition) if (spec.numberOfPartitions !== undefined) counts.set(resolve(spec.name), spec.numberOfPartitions);
  const unresolved = new Set(repartition.filter((r) => r.numberOfPartitions === undefined).map((r) => r.name));
  for (let progress = true; progress && unresolved.size > 0; ) {
    progress = false;
    for (const name of [...unresolved]) {
      const writers = subs.filter((s) => s.sinkTopics.includes(name));
      let max = 0;
      let known = writers.length > 0;
      for (const w of writers) {
        const n = sourceCount(w);
        if (n === undefined) known = false;
        else max = Math.max(max, n);
      }
      if (known && max > 0) {
        counts.set(resolve(name), max);
        unresolved.delete(name);
        progress = true;
      }
    }
  }
  if (unresolved.size > 0) {
    throw new InternalTopicError(`Cannot decide the partition count of repartition topic(s) ${[...unresolved].map(resolve).join(', ')}: no sub-topology with known input writes to them. Give them an explicit count (Repartitioned.withNumberOfPartitions).`);
  }

  // Co-partition groups.
  for (const group of topology.copartitionGroups()) {
    const resolved = group.map((t) => ({ relative: t, topic: internal.has(t) ? resolve(t) : t }));
    const flexible = resolved.filter((t) => internal.has(t.relative) && internal.get(t.relative)!.numberOfPartitions === undefined);
    const fixed = resolved.filter((t) => !flexible.includes(t));
    const target = Math.max(0, ...(fixed.length > 0 ? fixed : resolved).map((t) => counts.get(t.topic) ?? 0));
    for (const t of flexible) counts.set(t.topic, target);
    const distinct = new Set(resolved.map((t) => counts.get(t.topic)));
    if (distinct.size > 1) {
      throw new InternalTopicError(`Topics ${resolved.map((t) => `${t.topic} (${counts.get(t.topic)} partitions)`).join(', ')} are joined and must have the same number of partitions; repartition one of them or recreate the topics.`);
    }
  }

  const plan: InternalTopicPlan[] = repartition.map((r) => ({
    topic: resolve(r.name),
    kind: 'repartition',
    partitions: counts.get(resolve(r.name))!,
    configs: { 'cleanup.policy': 'delete' },
  }));
  // Changelogs: one partition per task of the owning sub-topology. A stateful sub-topology read
  // only by patterns has no size until a matching topic exists: waited for like a missing source.
  for (const s of subs) {
    const tasks = sourceCount(s) ?? 0;
    if (tasks === 0 && s.changelogTopics.size > 0 && s.sourcePatterns.length > 0) {
      throw new InternalTopicError(`Source topic(s) matching ${s.sourcePatterns.map(String).join(', ')} of application "${applicationId}" do not exist yet; sub-topology ${s.id} keeps state and needs one to size its changelog topics.`);
    }
    for (const store of s.changelogTopics.keys()) {
      const configs = storeChangelogConfig(topology.stores().get(store)!.factory);
      plan.push({ topic: `${applicationId}-${s.changelogTopics.get(store)!}`, kind: 'changelog', partitions: tasks, configs });
    }
  }
  return plan;
}

/** Plans, validates, creates and waits for the application's internal topics. */
export async function ensureInternalTopics(admin: Admin, topology: Topology, options: EnsureInternalTopicsOptions): Promise<void> {
  await ensureInternalTopicsPlan(admin, topology, options);
}

/** ensureInternalTopics, returning the plan it enforced. */
export async function ensureInternalTopicsPlan(admin: Admin, topology: Topology, options: EnsureInternalTopicsOptions): Promise<InternalTopicPlan[]> {
  const { applicationId } = options;
  const names = await admin.listTopics();
  const described = await admin.describeTopics(names);
  const existing = new Map(described.map((d) => [d.topic, d.partitions]));
  const plan = planInternalTopics(topology, applicationId, existing);

  const wrong = plan.filter((p) => existing.has(p.topic) && existing.get(p.topic) !== p.partitions);
  if (wrong.length > 0) {
    throw new InternalTopicError(
      wrong.map((p) => `Internal ${p.kind} topic ${p.topic} has ${existing.get(p.topic)} partitions, expected ${p.partitions}`).join('; ') +
        '. Delete the topic (or reset the application) so it is recreated with the right count.',
    );
  }
  const toCreate = plan.filter((p) => !existing.has(p.topic));
  if (toCreate.length === 0) return plan;
  await admin.createTopics(toCreate.map((p) => ({ topic: p.topic, numPartitions: p.partitions, replicationFactor: options.replicationFactor, configs: p.configs })));

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const seen = new Map((await admin.describeTopics(toCreate.map((p) => p.topic))).map((d) => [d.topic, d.partitions]));
    const notYet = toCreate.filter((p) => seen.get(p.topic) !== p.partitions);
    if (notYet.length === 0) return plan;
    if (Date.now() > deadline) {
      throw new InternalTopicError(`Internal topics ${notYet.map((p) => p.topic).join(', ')} were created but are not visible in metadata after ${options.timeoutMs ?? 30_000} ms; check the broker.`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}
