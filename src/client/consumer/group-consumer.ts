/*
 * GroupConsumer (types.ts) on the project's wire client: the kafkajs group consumer's job
 * without kafkajs' per-data-event buffer re-concatenation, Long parsing and per-record objects.
 * Two parts: GroupMembership (group-membership.ts: coordinator, join/sync, heartbeats,
 * commits) and GroupFetcher (fetcher.ts: positions and a prefetching fetch loop).
 * This class runs the rebalance contract of types.ts between them. As with the kafkajs consumer,
 * the rebalance itself runs in the background (not inside poll()), so a member whose runtime is
 * busy, or polls rarely, still rejoins promptly and never holds the group's rebalance up.
 * The protocol (rebalance-protocol.ts) is fixed at construction from the assignors.
 *
 *   rebalance (first poll(), or the heartbeat/a commit saw REBALANCE_IN_PROGRESS,
 *   ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, or the subscription's topics or partition counts
 *   changed: a pattern matches other topics, partitions were added)
 *     1 EAGER, or a member that lost its generation: stop fetching and drop buffered records (the
 *       next owner re-reads them from the committed offsets); forget an assignment not yet
 *       delivered; COOPERATIVE: keep fetching what is owned (poll() goes on returning it)
 *     2 EAGER/lost: await beforeRevoke(every partition the runtime owns) — commits inside it
 *       still carry the old generation, which the coordinator accepts while it prepares the
 *       rebalance: it cannot finish (and hand our partitions on) before our JoinGroup
 *     3 JoinGroup (+ MEMBER_ID_REQUIRED retry; COOPERATIVE: with ownedPartitions) → the leader
 *       runs the assignor → SyncGroup; retriable failures retry with backoff
 *     3c COOPERATIVE: revoked = owned − assigned; stop fetching them, await beforeRevoke(revoked)
 *       (commits now carry the new generation) and, if any, flag a rejoin (step 5) so that the
 *       follow-up rebalance can hand them to their new owner
 *     4 positions of the partitions new to the member: committed offsets (OffsetFetch),
 *       offsetReset where there are none; their prefetching starts; the assignment is pending
 *     5 again from 1 if another rebalance is already due
 *   poll()  delivers a pending assignment first (await onAssigned), then returns buffered records
 *           of owned, unpaused partitions, waiting ≤ timeoutMs.
 * A failing beforeRevoke is logged and the join goes on (the partitions move either way); the
 * heartbeat runs on its own timer throughout, so a long restore in onAssigned keeps the session.
 * disconnect() leaves the group (LeaveGroup) without calling beforeRevoke: the runtime closes its
 * tasks first. Positions advance as records are fetched; committed offsets only by commitOffsets.
 */
import { KafkaClientError, toClientError } from '../errors.ts';
import type { Assignment, ClientConfig, GroupAssignor, RebalanceProtocol, ConsumerGroupMetadata, FetchedBatch, GroupConsumer, GroupConsumerOptions, TopicPartition, TopicPartitionOffset } from '../types.ts';
import { listOffsets, OffsetSpec } from '../admin.ts';
import { WireCluster } from '../cluster.ts';
import { fetcherOptions, GroupFetcher } from './fetcher.ts';
import { GroupMembership, sleep } from './group-membership.ts';
import { partitionDiff, rebalanceProtocolOf } from './rebalance-protocol.ts';
import { PollWaker } from './poll-waker.ts';
import { toLogger, type Logger } from '../../logging/logger.ts';
import { ClientRoles, CoordinatorMetrics, FetchMetrics } from '../metrics/client-metrics.ts';
import type { KafkaMetric } from '../../metrics/metric-registry.ts';

export interface WireGroupConsumerTuning {
  /** Records buffered before prefetching pauses. Default 20000. */
  readonly maxBufferedRecords?: number;
  /** How often a pattern subscription re-reads the topic list. Default 30000 ms. */
  readonly patternRefreshMs?: number;
}

export class KafkaGroupConsumer implements GroupConsumer {
  readonly #options: GroupConsumerOptions;
  readonly #cluster: WireCluster;
  readonly #membership: GroupMembership;
  readonly #fetcher: GroupFetcher;
  readonly #metadataRefreshMs: number;
  readonly #protocol: RebalanceProtocol;
  #subscription: readonly string[] | RegExp | undefined;
  /** The subscription's topics and partition counts at the last JoinGroup (#subscribedMetadata). */
  #joinedSnapshot = '';
  #metadataTimer: NodeJS.Timeout | undefined;
  #delivered: readonly TopicPartition[] = [];
  /** An assignment synced but not yet handed to onAssigned. */
  #pending: Assignment | undefined;
  /** The background rebalance loop, while it runs. */
  #rebalancing: Promise<void> | undefined;
  #started = false;
  #fatal: KafkaClientError | undefined;
  #closed = false;
  readonly #waker = new PollWaker();

  readonly #logger: Logger;
  readonly #metrics: FetchMetrics;
  readonly #coordinatorMetrics: CoordinatorMetrics;

  constructor(config: ClientConfig, options: GroupConsumerOptions, tuning: WireGroupConsumerTuning = {}) {
    this.#options = options;
    this.#logger = toLogger(config.logger).child({ client: config.clientId });
    const connectTimeoutMs = config.connectionTimeoutMs ?? 3000;
    const requestTimeoutMs = config.requestTimeoutMs ?? 30000;
    this.#cluster = new WireCluster({ bootstrap: config.bootstrapServers, clientId: config.clientId, connectTimeoutMs, requestTimeoutMs, security: config.security });
    const assignors = Array.isArray(options.assignor) ? (options.assignor as readonly GroupAssignor[]) : [options.assignor as GroupAssignor];
    this.#protocol = rebalanceProtocolOf(assignors);
    this.#membership = new GroupMembership(this.#cluster, {
      groupId: options.groupId,
      assignors,
      protocol: this.#protocol,
      ownedPartitions: () => this.#owned(),
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
      groupInstanceId: options.groupInstanceId ?? null,
      clientId: config.clientId,
      connectTimeoutMs,
      requestTimeoutMs,
      security: config.security,
    });
    this.#membership.onRejoinNeeded = () => this.#startRebalance();
    this.#metrics = new FetchMetrics(config.metrics, config.clientId, ClientRoles.consumer);
    this.#coordinatorMetrics = new CoordinatorMetrics(this.#metrics.scope, () => this.#delivered.length);
    this.#fetcher = new GroupFetcher(
      this.#cluster,
      fetcherOptions(options, tuning.maxBufferedRecords),
      () => this.#waker.wake(),
      (e) => {
        this.#fatal = e;
        this.#waker.wake();
      },
      this.#metrics,
    );
    this.#metadataRefreshMs = tuning.patternRefreshMs ?? options.metadataMaxAgeMs ?? 30_000;
  }

  async connect(): Promise<void> {
    try {
      await this.#cluster.any();
    } catch (e) {
      throw toClientError(e, `connecting the consumer of group ${this.#options.groupId}`);
    }
  }

  async subscribe(topics: readonly string[] | RegExp): Promise<void> {
    if (this.#started) throw new KafkaClientError('subscribe() must be called before the first poll()', { retriable: false });
    this.#subscription = topics instanceof RegExp ? topics : [...topics];
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]> {
    if (this.#subscription === undefined) throw new KafkaClientError('poll() before subscribe(): subscribe to topics first', { retriable: false });
    if (!this.#started) {
      this.#started = true;
      this.#startRebalance();
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#closed) return [];
      if (this.#fatal) throw this.#fatal;
      const pending = this.#pending;
      if (pending !== undefined) {
        this.#pending = undefined;
        this.#delivered = pending.partitions;
        await this.#options.onAssigned?.(pending);
        continue;
      }
      const out = this.#fetcher.take(maxRecords);
      if (out.length > 0) return out;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.#waker.wait(left);
    }
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.#fetcher.pause(partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#fetcher.resume(partitions);
    this.#waker.wake();
  }

  seek(tp: TopicPartitionOffset): void {
    this.#fetcher.seek(tp);
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    if (this.#membership.generationId < 0 && this.#membership.memberId === '') {
      throw new KafkaClientError(`committing offsets for group ${this.#options.groupId} failed: the member has not joined the group yet`, { retriable: true });
    }
    const started = performance.now();
    await this.#membership.commit(offsets);
    this.#coordinatorMetrics.commitDone(performance.now() - started);
  }

  /** This consumer's consumer-fetch-manager-metrics and consumer-coordinator-metrics (docs/metrics.md), as of now. */
  metrics(): KafkaMetric[] {
    return this.#metrics.metrics();
  }

  async committed(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]> {
    return this.#membership.committed(tps);
  }

  assignment(): readonly TopicPartition[] {
    return this.#delivered;
  }


  groupMetadata(): ConsumerGroupMetadata {
    return { groupId: this.#options.groupId, generationId: this.#membership.generationId, memberId: this.#membership.memberId, groupInstanceId: this.#options.groupInstanceId ?? null };
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#metadataTimer);
    this.#fetcher.close();
    this.#metrics.close();
    this.#waker.wake();
    await this.#membership.close(true);
    this.#cluster.close();
  }

  // ------------------------------------------------------------------------------------------

  #startRebalance(): void {
    // After a fatal error the loop would end at once with rejoinNeeded still set: never restart it.
    if (!this.#started || this.#closed || this.#fatal !== undefined || this.#rebalancing !== undefined) return;
    this.#rebalancing = this.#rebalanceLoop().finally(() => {
      this.#rebalancing = undefined;
      if (this.#membership.rejoinNeeded) this.#startRebalance(); // flagged as the loop ended
    });
  }

  /** Rebalances until the member is in a generation with its assignment pending (steps 1–5). */
  async #rebalanceLoop(): Promise<void> {
    let backoff = 100;
    while (this.#membership.rejoinNeeded && !this.#closed && this.#fatal === undefined) {
      try {
        await this.#rebalance();
        backoff = 100;
      } catch (e) {
        if (this.#closed) return;
        const err = toClientError(e, `rebalancing group ${this.#options.groupId}`);
        if (!err.retriable) {
          this.#fatal = err;
          this.#waker.wake();
          return;
        }
        this.#membership.rejoinNeeded = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /** True from the JoinGroup of a rebalance until its SyncGroup answered (commits would fail). */
  rebalanceInProgress(): boolean {
    return this.#membership.joining;
  }

  enforceRebalance(): void {
    if (this.#closed || this.#membership.rejoinNeeded) return;
    this.#membership.rejoinNeeded = true;
    this.#startRebalance();
  }

  /** The protocol this member rebalances with (fixed by its assignors). */
  get rebalanceProtocol(): RebalanceProtocol {
    return this.#protocol;
  }

  /** What the member owns: the last delivered assignment, or the pending one about to be. */
  #owned(): readonly TopicPartition[] {
    return this.#pending?.partitions ?? this.#delivered;
  }

  async #revoke(partitions: readonly TopicPartition[]): Promise<void> {
    if (partitions.length === 0 || this.#options.beforeRevoke === undefined) return;
    try {
      await this.#options.beforeRevoke(partitions);
    } catch (e) {
      this.#logger.warn(`group ${this.#options.groupId}: beforeRevoke failed (${(e as Error).message}); rejoining anyway`, { group: this.#options.groupId });
    }
  }

  async #rebalance(): Promise<void> {
    const started = performance.now();
    // 1, 2: eager, or a cooperative member that lost its generation: revoke everything.
    const lost = this.#membership.generationId < 0;
    if (this.#protocol === 'EAGER' || lost) {
      this.#fetcher.clear();
      const revoked = this.#owned();
      this.#pending = undefined;
      this.#delivered = [];
      await this.#revoke(revoked);
      if (this.#closed) return;
    }
    // 3: join and sync (cooperative: still fetching and delivering what is owned)
    const subscribed = await this.#subscribedMetadata();
    this.#joinedSnapshot = subscribed.snapshot;
    const owned = this.#owned();
    const joined = await this.#membership.joinAndSync(subscribed.topics);
    this.#membership.startHeartbeats();
    this.#watchMetadata();
    const { revoked, added } = partitionDiff(owned, joined.partitions);
    // 3c: cooperative revocation of only what moves, then a follow-up rebalance to hand it on.
    if (revoked.length > 0) {
      this.#fetcher.remove(revoked);
      const kept = owned.filter((tp) => !revoked.some((r) => r.topic === tp.topic && r.partition === tp.partition));
      if (this.#pending !== undefined) this.#pending = { ...this.#pending, partitions: kept };
      else this.#delivered = kept;
      await this.#revoke(revoked);
      this.#membership.rejoinNeeded = true;
    }
    // 4: positions of the new partitions from committed offsets, offsetReset where none
    let positions: TopicPartitionOffset[];
    try {
      positions = await this.#positions(added);
    } catch (e) {
      this.#membership.rejoinNeeded = true; // the new partitions were not delivered: join again
      throw e;
    }
    if (this.#closed) return;
    if (this.#membership.rejoinNeeded && this.#protocol === 'EAGER') return; // 5: a newer rebalance is due
    this.#fetcher.add(positions);
    // An assignment synced but not yet delivered stays owed: its additions carry over (minus any
    // partition this sync took away again).
    const previouslyAdded = (this.#pending?.added ?? []).filter((tp) => joined.partitions.some((j) => j.topic === tp.topic && j.partition === tp.partition));
    this.#pending = { partitions: joined.partitions, added: [...previouslyAdded, ...added], userData: joined.userData, generationId: joined.generationId, memberId: joined.memberId };
    this.#coordinatorMetrics.rebalanceDone(performance.now() - started);
    this.#waker.wake();
  }

  /**
   * The subscribed topics (for a pattern: the existing topics it matches now) and a snapshot of
   * their partition counts, "topic:count" joined — what Kafka's ConsumerCoordinator compares to
   * notice a topic or partitions added since the last join.
   */
  async #subscribedMetadata(): Promise<{ topics: readonly string[]; snapshot: string }> {
    const sub = this.#subscription!;
    try {
      const md = await this.#cluster.refresh(sub instanceof RegExp ? null : sub);
      const found = md.topics.filter((t) => t.errorCode === 0 && (sub instanceof RegExp ? !t.isInternal && sub.test(t.name) : true)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const topics = sub instanceof RegExp ? found.map((t) => t.name) : (sub as readonly string[]);
      return { topics, snapshot: found.map((t) => `${t.name}:${t.partitions.length}`).join('\u0000') };
    } catch (e) {
      throw toClientError(e, `reading the metadata of ${sub instanceof RegExp ? `the topics matching ${String(sub)}` : sub.join(', ')} for group ${this.#options.groupId}`);
    }
  }

  /**
   * Every metadataMaxAgeMs: rejoin when the subscription's topics or their partition counts
   * differ from the last join's (a pattern matching a new topic, partitions added to a topic),
   * so the new partitions get an owner — Kafka's consumer does the same on its metadata refresh.
   */
  #watchMetadata(): void {
    if (this.#metadataTimer !== undefined) return;
    this.#metadataTimer = setInterval(() => {
      this.#subscribedMetadata().then(
        (now) => {
          if (now.snapshot !== this.#joinedSnapshot && !this.#membership.rejoinNeeded && !this.#closed) {
            this.#membership.rejoinNeeded = true;
            this.#startRebalance();
          }
        },
        () => {},
      );
    }, this.#metadataRefreshMs);
    this.#metadataTimer.unref();
  }

  async #positions(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const committed = await this.#membership.committed(partitions);
    const missing = new Map<string, number[]>();
    for (const c of committed) if (c.offset < 0) missing.set(c.topic, [...(missing.get(c.topic) ?? []), c.partition]);
    const reset = new Map<string, number>();
    const spec = (this.#options.offsetReset ?? 'earliest') === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest;
    for (const [topic, parts] of missing) {
      try {
        const found = await listOffsets(this.#cluster, topic, parts, spec);
        for (const p of parts) reset.set(`${topic}\u0000${p}`, Number(found.get(p)?.offset ?? 0n));
      } catch (e) {
        throw toClientError(e, `finding the ${this.#options.offsetReset ?? 'earliest'} offsets of ${topic} partitions ${parts.join(',')} for group ${this.#options.groupId}`);
      }
    }
    return committed.map((c) => (c.offset >= 0 ? c : { ...c, offset: reset.get(`${c.topic}\u0000${c.partition}`) ?? 0 }));
  }
}
