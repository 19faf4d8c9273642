/*
 * One member's side of Kafka's classic group protocol on the wire client: finding the
 * coordinator, JoinGroup/SyncGroup (with the leader running the GroupAssignor), Heartbeat on its
 * own timer, OffsetCommit/OffsetFetch and LeaveGroup. The consumer (group-consumer.ts)
 * decides WHEN to rejoin (from poll(), after beforeRevoke); this class only says that it must.
 *
 * Single source of truth for the member's identity: `memberId` and `generationId`
 * (generationId -1 = not in a generation). Member-state table:
 *
 *   event                                  memberId    generation  rejoinNeeded
 *   JoinGroup MEMBER_ID_REQUIRED (79)      from reply  -           (retry join at once)
 *   SyncGroup ok                           kept        new         false
 *   Heartbeat/Commit REBALANCE_IN_PROGRESS kept        kept (*)    true
 *   Heartbeat/Commit/Sync ILLEGAL_GEN (22) kept        -1          true
 *   ... UNKNOWN_MEMBER_ID (25)             ''          -1          true
 *   NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / connection lost: forget the coordinator;
 *   the next request rediscovers it (FindCoordinator) — membership itself is unchanged.
 *   (*) the old generation stays valid for commits until our JoinGroup: beforeRevoke commits.
 *
 * The coordinator gets its own connection, not the cluster's per-broker one that fetches use: the
 * broker answers a connection's requests in order, so a JoinGroup parked for a whole rebalance
 * (or a long-polling Fetch) must not hold heartbeats and commits behind it.
 */
import type { ClientSecurity } from '../security.ts';
import { ApiKeys } from '../../protocol/api-keys.ts';
import { errorInfo } from '../../protocol/error-codes.ts';
import type { ImplementedApiKey, ApiTypes } from '../../protocol/messages/index.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import { partitionsByTopic, type GroupAssignor, type MemberAssignment, type RebalanceProtocol, type TopicPartition, type TopicPartitionOffset } from '../types.ts';
import type { WireCluster } from '../cluster.ts';
import { WireConnection, type RequestOptions } from '../connection.ts';
import { decodeGroupAssignment, decodeGroupSubscription, encodeGroupAssignment, encodeGroupSubscription } from './group-codec.ts';

/** OffsetFetch with requireStable: a transaction holding offsets of the partition is still open. */
const UNSTABLE_OFFSET_COMMIT = 88;
const UNSTABLE_WAIT_MS = 60_000;
const FENCED_INSTANCE_ID = 82;

export interface MembershipOptions {
  readonly groupId: string;
  /** Offered in JoinGroup in this order; the coordinator picks the first every member offers. */
  readonly assignors: readonly GroupAssignor[];
  /** COOPERATIVE: the subscription carries the owned partitions (ownedPartitions()). */
  readonly protocol: RebalanceProtocol;
  /** What the member owns now (sent as OwnedPartitions under COOPERATIVE). */
  readonly ownedPartitions: () => readonly TopicPartition[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** Static membership (KIP-345); null for a dynamic member. */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly security?: ClientSecurity | undefined;
}

export interface JoinResult {
  /** The assignor the coordinator chose (JoinGroup ProtocolName). */
  readonly protocolName: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

const COORDINATOR_ERRORS = new Set([14, 15, 16]);
const MAX_BACKOFF_MS = 2000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));



function codeError(code: number, what: string): KafkaClientError {
  const info = errorInfo(code);
  return new KafkaClientError(`${what} failed: ${info.name} (Kafka error ${code})`, { retriable: info.retriable || COORDINATOR_ERRORS.has(code), kafkaType: info.name });
}

export class GroupMembership {
  memberId = '';
  generationId = -1;
  /** Set when the coordinator says this member must (re)join; cleared by a successful sync. */
  rejoinNeeded = true;
  /** True from the first JoinGroup of a rebalance until SyncGroup answered. */
  get joining(): boolean {
    return this.#joining;
  }
  /** Set once the coordinator fenced this static member (FENCED_INSTANCE_ID): fatal. */
  fenced: KafkaClientError | undefined;
  /** Called when rejoinNeeded turns true (wakes a waiting poll()). */
  onRejoinNeeded: () => void = () => {};
  readonly #cluster: WireCluster;
  readonly #o: MembershipOptions;
  #conn: Promise<WireConnection> | undefined;
  #joining = false;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(cluster: WireCluster, options: MembershipOptions) {
    this.#cluster = cluster;
    this.#o = options;
  }

  // ------------------------------------------------------------------------------- coordinator

  /** The coordinator's connection: FindCoordinator on first use and after it moved or died. */
  async #coordinator(): Promise<WireConnection> {
    if (this.#conn !== undefined) {
      const c = await this.#conn.catch(() => undefined);
      if (c?.isOpen) return c;
      this.#conn = undefined;
    }
    this.#conn ??= this.#discover();
    const p = this.#conn;
    return p.catch((e: unknown) => {
      if (this.#conn === p) this.#conn = undefined;
      throw e;
    });
  }

  async #discover(): Promise<WireConnection> {
    const seed = await this.#cluster.any();
    const { version, body } = await seed.request(ApiKeys.FindCoordinator, { key: this.#o.groupId, keyType: 0, coordinatorKeys: [this.#o.groupId] });
    const c = version >= 4 ? body.coordinators[0] : { errorCode: body.errorCode, host: body.host, port: body.port, nodeId: body.nodeId };
    if (c === undefined) throw new KafkaClientError(`finding the coordinator of group ${this.#o.groupId} failed: empty answer`, { retriable: true });
    if (c.errorCode !== 0) throw codeError(c.errorCode, `finding the coordinator of group ${this.#o.groupId}`);
    return WireConnection.open({ host: c.host, port: c.port, clientId: this.#o.clientId, connectTimeoutMs: this.#o.connectTimeoutMs, requestTimeoutMs: this.#o.requestTimeoutMs, security: this.#o.security });
  }

  /** Forget the coordinator (it moved, or its connection died): the next call rediscovers it. */
  #forgetCoordinator(): void {
    const p = this.#conn;
    this.#conn = undefined;
    p?.then((c) => c.close(), () => {});
  }

  /** One request to the coordinator; a lost connection forgets it and rethrows. */
  async #call<K extends ImplementedApiKey>(apiKey: K, body: Encodable<ApiTypes[K]['request']>, opts: RequestOptions = {}): Promise<ApiTypes[K]['response']> {
    const conn = await this.#coordinator();
    try {
      return (await conn.request(apiKey, body, opts)).body;
    } catch (e) {
      if (!conn.isOpen) this.#forgetCoordinator();
      throw e;
    }
  }

  /** Runs `op` again after coordinator errors and lost connections, at most `attempts` times. */
  async #retrying<T>(what: string, attempts: number, op: () => Promise<T>): Promise<T> {
    let backoff = 100;
    for (let i = 1; ; i++) {
      try {
        return await op();
      } catch (e) {
        const code = (e as { code?: number }).code;
        const coordinatorMoved = code !== undefined && COORDINATOR_ERRORS.has(code);
        if (coordinatorMoved && code !== 14) this.#forgetCoordinator();
        const retriable = coordinatorMoved || (code === undefined && (e as { retriable?: boolean }).retriable === true);
        if (!retriable || i >= attempts || this.#closed) throw toClientError(e, what);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  #needRejoin(resetMember: boolean, resetGeneration: boolean): void {
    if (resetMember) this.memberId = '';
    if (resetGeneration) this.generationId = -1;
    if (!this.rejoinNeeded) {
      this.rejoinNeeded = true;
      this.onRejoinNeeded();
    }
  }

  /** Applies the member-state table above for a group error code; true when it was one. */
  #onGroupError(code: number): boolean {
    if (code === FENCED_INSTANCE_ID) {
      // Another process runs with our group.instance.id and took our place: stop, as Java's
      // consumer does (FencedInstanceIdException) — rejoining would fence that one in turn.
      this.fenced ??= new KafkaClientError(
        `member ${this.memberId} of group ${this.#o.groupId} was fenced: FENCED_INSTANCE_ID (Kafka error 82) — a newer instance with group.instance.id ${this.#o.groupInstanceId ?? '-'} took its place`,
        { retriable: false, kafkaType: 'FENCED_INSTANCE_ID' },
      );
      this.#needRejoin(true, true);
    } else if (code === 27) this.#needRejoin(false, false);
    else if (code === 22) this.#needRejoin(false, true);
    else if (code === 25) this.#needRejoin(true, true);
    else return false;
    return true;
  }

  // ------------------------------------------------------------------------------- join + sync

  /**
   * Joins the group and syncs: retries through coordinator moves, lost connections and
   * REBALANCE_IN_PROGRESS until the member has a generation and an assignment, or the rebalance
   * timeout (plus a session) passes.
   */
  async joinAndSync(topics: readonly string[]): Promise<JoinResult> {
    const what = `joining group ${this.#o.groupId}`;
    const deadline = Date.now() + this.#o.rebalanceTimeoutMs + this.#o.sessionTimeoutMs;
    let backoff = 100;
    this.#joining = true;
    try {
      for (;;) {
        if (this.#closed) throw new KafkaClientError(`${what}: the consumer was disconnected`, { retriable: false });
        if (this.fenced !== undefined) throw this.fenced;
        let code: number | undefined;
        let failure: unknown;
        try {
          const r = await this.#joinOnce(topics);
          if (typeof r !== 'number') return r;
          code = r;
        } catch (e) {
          if (this.#closed) throw new KafkaClientError(`${what}: the consumer was disconnected`, { retriable: false });
          failure = e;
          code = (e as { code?: number }).code;
          if (code === undefined && (e as { retriable?: boolean }).retriable !== true) throw toClientError(e, what);
          if (code === undefined) this.#forgetCoordinator();
        }
        if (code === 79) continue; // MEMBER_ID_REQUIRED: memberId set, join again at once
        if (code !== undefined && COORDINATOR_ERRORS.has(code)) {
          if (code !== 14) this.#forgetCoordinator();
        } else if (code === 25) {
          this.memberId = '';
        } else if (code !== undefined && code !== 27 && code !== 22) {
          throw failure !== undefined ? toClientError(failure, what) : codeError(code, what);
        }
        if (Date.now() > deadline) throw failure !== undefined ? toClientError(failure, what) : codeError(code ?? 15, `${what} (gave up after the rebalance timeout)`);
        if (code !== 27 && code !== 22 && code !== 25) {
          await sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
    } finally {
      this.#joining = false;
    }
  }

  /** One JoinGroup + SyncGroup; a number is an error code to handle (see joinAndSync). */
  async #joinOnce(topics: readonly string[]): Promise<JoinResult | number> {
    const cooperative = this.#o.protocol === 'COOPERATIVE';
    const owned = cooperative ? partitionsByTopic(this.#o.ownedPartitions()) : undefined;
    const protocols = this.#o.assignors.map((a) => ({
      name: a.name,
      // OwnedPartitions needs Subscription v1: a cooperative member declares at least that.
      metadata: encodeGroupSubscription({ version: cooperative ? Math.max(1, a.version) : a.version, topics, userData: a.userData(), ownedPartitions: owned }),
    }));
    const join = await this.#call(
      ApiKeys.JoinGroup,
      {
        groupId: this.#o.groupId,
        sessionTimeoutMs: this.#o.sessionTimeoutMs,
        rebalanceTimeoutMs: this.#o.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.#o.groupInstanceId,
        protocolType: 'consumer',
        protocols,
        reason: null,
      },
      { timeoutMs: this.#o.rebalanceTimeoutMs + 5000, ...(this.#o.groupInstanceId !== null ? { minVersion: 5 } : {}) },
    );
    if (join.errorCode === 79) this.memberId = join.memberId;
    if (join.errorCode !== 0) return join.errorCode;
    this.memberId = join.memberId;
    const generationId = join.generationId;
    // ProtocolName: the assignor the coordinator chose among those every member offered.
    const a = this.#o.assignors.find((x) => x.name === join.protocolName) ?? (this.#o.assignors.length === 1 ? this.#o.assignors[0]! : undefined);
    if (a === undefined) throw new KafkaClientError(`group ${this.#o.groupId} chose assignor "${join.protocolName ?? ''}", which this member did not offer (${this.#o.assignors.map((x) => x.name).join(', ')})`, { retriable: false });
    const assignments = join.leader === join.memberId && !join.skipAssignment ? await this.#lead(a, join.members) : [];
    const sync = await this.#call(ApiKeys.SyncGroup, {
      groupId: this.#o.groupId,
      generationId,
      memberId: this.memberId,
      groupInstanceId: this.#o.groupInstanceId,
      protocolType: 'consumer',
      protocolName: a.name,
      assignments,
    });
    if (sync.errorCode === 25) this.memberId = '';
    if (sync.errorCode !== 0) return sync.errorCode;
    const decoded = decodeGroupAssignment(sync.assignment);
    const partitions: TopicPartition[] = [];
    for (const [topic, list] of decoded.partitions) for (const partition of list) partitions.push({ topic, partition });
    this.generationId = generationId;
    this.rejoinNeeded = false;
    a.onAssignment?.(partitions, generationId);
    return { protocolName: a.name, generationId, memberId: this.memberId, partitions, userData: decoded.userData };
  }

  /** The leader's part: decode every member's subscription, run the assignor, encode. */
  async #lead(assignor: GroupAssignor, members: readonly { memberId: string; metadata: Buffer }[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const decoded = members.map((m) => {
      const s = decodeGroupSubscription(m.metadata);
      const ownedPartitions = [...(s.ownedPartitions ?? [])].flatMap(([topic, parts]) => parts.map((partition) => ({ topic, partition })));
      return { memberId: m.memberId, userData: s.userData, topics: s.topics, ownedPartitions, generation: s.generationId ?? -1 };
    });
    const all = [...new Set(decoded.flatMap((m) => m.topics))];
    const topicPartitions = new Map<string, number>();
    if (all.length > 0) {
      const md = await this.#cluster.refresh(all);
      for (const t of md.topics) if (t.errorCode === 0 && t.partitions.length > 0) topicPartitions.set(t.name, t.partitions.length);
    }
    let result: ReadonlyMap<string, MemberAssignment>;
    try {
      result = await assignor.assign({ members: decoded, topicPartitions });
    } catch (e) {
      throw new KafkaClientError(`the ${assignor.name} assignor of group ${this.#o.groupId} failed: ${(e as Error).message}`, { retriable: false, cause: e });
    }
    return decoded.map((m) => {
      const got = result.get(m.memberId);
      return { memberId: m.memberId, assignment: encodeGroupAssignment({ version: assignor.version, partitions: got?.partitions ?? new Map(), userData: got?.userData ?? Buffer.alloc(0) }) };
    });
  }

  // ------------------------------------------------------------------------------- heartbeat

  /** Heartbeats every heartbeatIntervalMs while the member holds a generation and is not joining. */
  startHeartbeats(): void {
    if (this.#heartbeat !== undefined || this.#closed) return;
    const tick = async (): Promise<void> => {
      if (this.#closed) return;
      if (!this.#joining && this.generationId >= 0) await this.#beat();
      if (!this.#closed) this.#heartbeat = setTimeout(() => void tick(), this.#o.heartbeatIntervalMs);
    };
    this.#heartbeat = setTimeout(() => void tick(), this.#o.heartbeatIntervalMs);
  }

  async #beat(): Promise<void> {
    try {
      const r = await this.#call(
        ApiKeys.Heartbeat,
        { groupId: this.#o.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.#o.groupInstanceId },
        { timeoutMs: this.#o.sessionTimeoutMs },
      );
      if (r.errorCode === 0 || this.#onGroupError(r.errorCode)) return;
      if (COORDINATOR_ERRORS.has(r.errorCode) && r.errorCode !== 14) this.#forgetCoordinator();
    } catch {
      // Lost connection or coordinator: #call forgot it; the next beat rediscovers. If the
      // session expires meanwhile, that beat answers UNKNOWN_MEMBER_ID and the member rejoins.
    }
  }

  // ------------------------------------------------------------------------------- offsets

  /** OffsetCommit with the current generation; group errors mark the member for rejoin. */
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (list === undefined) byTopic.set(o.topic, (list = []));
      list.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null });
    }
    const generationId = this.generationId;
    if (this.#joining && this.#o.protocol === 'COOPERATIVE') {
      // The generation is about to change: between JoinGroup and SyncGroup the coordinator answers
      // ILLEGAL_GENERATION, which would make the member drop what it still owns. Kafka's
      // ConsumerCoordinator fails the commit with RebalanceInProgressException without sending it.
      throw new KafkaClientError(`committing offsets for group ${this.#o.groupId} failed: REBALANCE_IN_PROGRESS (a cooperative rebalance is under way; commit again after it)`, { retriable: true, kafkaType: 'REBALANCE_IN_PROGRESS' });
    }
    const what = `committing ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(', ')} for group ${this.#o.groupId} (generation ${generationId})`;
    await this.#retrying(what, 4, async () => {
      const r = await this.#call(ApiKeys.OffsetCommit, {
        groupId: this.#o.groupId,
        generationIdOrMemberEpoch: generationId,
        memberId: this.memberId,
        groupInstanceId: this.#o.groupInstanceId,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of r.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === 0) continue;
          this.#onGroupError(p.errorCode);
          throw Object.assign(codeError(p.errorCode, `${what}: ${t.name}-${p.partitionIndex}`), { code: p.errorCode });
        }
      }
    });
  }

  /** Committed offsets (-1 where none) of the group, by OffsetFetch (v1–7: topics by name). */
  /**
   * Committed offsets, asked with requireStable (KIP-447, as Java's read_committed consumer): while
   * a transaction holding offsets of a partition is open, the coordinator answers
   * UNSTABLE_OFFSET_COMMIT and the question is asked again (for up to a minute, Java's
   * default.api.timeout.ms), so a task never starts from an offset an in-doubt transaction moves.
   */
  async committed(tps: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    if (tps.length === 0) return [];
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const what = `reading the committed offsets of group ${this.#o.groupId} for ${tps.map((t) => `${t.topic}-${t.partition}`).join(', ')}`;
    const deadline = Date.now() + UNSTABLE_WAIT_MS;
    for (;;) {
      const answer = await this.#retrying(what, 6, async () => {
        const r = await this.#call(
          ApiKeys.OffsetFetch,
          { groupId: this.#o.groupId, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })), groups: [], requireStable: true },
          { minVersion: 1, maxVersion: 7 },
        );
        if (r.errorCode !== 0) throw Object.assign(codeError(r.errorCode, what), { code: r.errorCode });
        const found = new Map<string, { offset: number; metadata: string | undefined }>();
        for (const t of r.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === UNSTABLE_OFFSET_COMMIT && Date.now() < deadline) return undefined;
            if (p.errorCode !== 0) throw Object.assign(codeError(p.errorCode, `${what}: ${t.name}-${p.partitionIndex}`), { code: p.errorCode });
            found.set(`${t.name}\u0000${p.partitionIndex}`, { offset: Number(p.committedOffset), metadata: p.metadata ?? undefined });
          }
        }
        return tps.map((tp) => {
          const c = found.get(`${tp.topic}\u0000${tp.partition}`);
          return { topic: tp.topic, partition: tp.partition, offset: c?.offset ?? -1, ...(c?.metadata ? { metadata: c.metadata } : {}) };
        });
      });
      if (answer !== undefined) return answer;
      await sleep(50);
    }
  }


  // ------------------------------------------------------------------------------- leave

  /** Stops heartbeats, sends LeaveGroup (best effort) and closes the coordinator connection. */
  async close(leave: boolean): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#heartbeat);
    // A JoinGroup parked on the coordinator connection would hold the LeaveGroup behind it:
    // drop that connection (the join fails) and leave over a new one.
    if (this.#joining) this.#forgetCoordinator();
    // A static member never leaves on close (KIP-345): its place waits sessionTimeoutMs for it.
    if (leave && this.memberId !== '' && this.#o.groupInstanceId === null) {
      try {
        await this.#call(
          ApiKeys.LeaveGroup,
          { groupId: this.#o.groupId, memberId: this.memberId, members: [{ memberId: this.memberId, groupInstanceId: this.#o.groupInstanceId, reason: 'the consumer is closing' }] },
          { timeoutMs: Math.min(this.#o.requestTimeoutMs, 5000) },
        );
      } catch {
        // The session timeout removes the member anyway.
      }
    }
    this.memberId = '';
    this.generationId = -1;
    this.#forgetCoordinator();
  }
}
