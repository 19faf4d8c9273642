/*
 * GroupConsumer over kafkajs (types.ts): a pull API on top of kafkajs' push-style `run()`.
 *
 * Data path. kafkajs' fetch loop calls our eachBatch handler; the handler converts the batch once
 * (numbers, Buffer headers — no per-record promise) and appends it to a FIFO buffer, then returns
 * at once unless more than `maxBufferedRecords` wait: it then parks (backpressure) and heartbeats
 * every heartbeat interval while parked, so a slow runtime never loses the session, and a
 * rebalance seen by that heartbeat ends the handler with kafkajs' own error (kafkajs rejoins).
 * poll() takes records from the buffer front, skipping paused partitions.
 *
 * Rebalance (the contract in types.ts; the bridge in kafkajs-assigner-bridge.ts supplies the
 * hooks kafkajs lacks):
 *   beforeJoin  clear the buffer (records the runtime never saw belong to the old generation and
 *               will be fetched again from the committed offsets by their next owner), forget
 *               pauses, then await beforeRevoke(partitions handed to the runtime) — commits made
 *               inside it still carry the old generation, which the coordinator accepts while
 *               it prepares the rebalance. A failing beforeRevoke is logged; the join goes on
 *               (the partitions are gone either way).
 *   afterSync   remember the new assignment as pending and the new generation (for commits).
 *   poll()      delivers a pending assignment first: awaits onAssigned, then returns records.
 *               kafkajs keeps fetching and heartbeating meanwhile (a long restore inside
 *               onAssigned does not cost the session).
 *
 * Positions: kafkajs resolves each batch's last offset when the handler returns, so the fetch
 * position advances by buffered batches; committed offsets move only through commitOffsets(),
 * sent straight to the coordinator with the current generation (no auto-commit ever).
 * seek(): kafkajs applies it at its next fetch; buffered records of the partition are dropped and
 * a batch fetched before the seek arrives marked stale and is dropped too.
 * disconnect() leaves the group without calling beforeRevoke: the runtime closes its tasks first.
 */
import type { Broker, Consumer as KafkajsConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import { KafkaClientError, toClientError } from '../client-errors.ts';
import type { Assignment, ClientConfig, ConsumedRecord, FetchedBatch, GroupConsumer, GroupConsumerOptions, TopicPartition, TopicPartitionOffset } from '../types.ts';
import { bridgeAssignor, type SyncResult } from './kafkajs-assigner-bridge.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';
import { createKafka, fromKafkajsHeaders, topicPartitionKey } from './kafkajs-common.ts';
import { PollWaker } from '../poll-waker.ts';

interface Entry {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  records: ConsumedRecord[];
  readonly highWatermark: number;
}

export interface KafkajsGroupConsumerTuning {
  /** Records buffered before the fetch loop parks. Default 20000. */
  readonly maxBufferedRecords?: number;
}

export class KafkajsGroupConsumer implements GroupConsumer {
  readonly #config: ClientConfig;
  readonly #options: GroupConsumerOptions;
  readonly #kafka: Kafka;
  readonly #consumer: KafkajsConsumer;
  readonly #maxBuffered: number;
  readonly #heartbeatMs: number;
  #admin: KafkajsAdmin | undefined;
  #coordinator: Broker | undefined;
  #generation: { generationId: number; memberId: string } | undefined;
  #subscribed = false;
  #running: Promise<void> | undefined;
  #closed = false;
  #fatal: KafkaClientError | undefined;

  #buffer: Entry[] = [];
  #buffered = 0;
  readonly #paused = new Set<string>();
  #pending: Assignment | undefined;
  /** What the runtime was told it owns (the last onAssigned). */
  #delivered: readonly TopicPartition[] = [];
  #fetchable = new Set<string>();
  /** Wakes a waiting poll() (data, assignment, crash, close). */
  readonly #waker = new PollWaker();
  /** Wakes the parked fetch handler (space freed, close). */
  #wakeFetch: (() => void) | undefined;

  constructor(config: ClientConfig, options: GroupConsumerOptions, tuning: KafkajsGroupConsumerTuning = {}) {
    this.#config = config;
    this.#options = options;
    this.#maxBuffered = tuning.maxBufferedRecords ?? 20_000;
    this.#heartbeatMs = options.heartbeatIntervalMs ?? 3000;
    this.#kafka = createKafka(config);
    const assigner = bridgeAssignor(options.assignor, {
      beforeJoin: () => this.#beforeJoin(),
      afterSync: (r) => this.#afterSync(r),
      coordinator: (b) => {
        this.#coordinator = b;
      },
    });
    this.#consumer = this.#kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [assigner],
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.#heartbeatMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: options.maxWaitMs ?? 100,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      if (!restart && !this.#closed) {
        this.#fatal = toClientError(error, `the consumer of group ${options.groupId}`);
        this.#waker.wake();
      }
    });
  }

  async connect(): Promise<void> {
    try {
      await this.#consumer.connect();
    } catch (e) {
      throw toClientError(e, `connecting the consumer of group ${this.#options.groupId}`);
    }
  }

  async subscribe(topics: readonly string[] | RegExp): Promise<void> {
    if (this.#running !== undefined) throw new KafkaClientError('subscribe() must be called before the first poll()', { retriable: false });
    try {
      await this.#consumer.subscribe({ topics: topics instanceof RegExp ? [topics] : [...topics], fromBeginning: (this.#options.offsetReset ?? 'earliest') === 'earliest' });
      this.#subscribed = true;
    } catch (e) {
      throw toClientError(e, `subscribing group ${this.#options.groupId} to ${String(topics)}`);
    }
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]> {
    this.#start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#fatal) throw this.#fatal;
      if (this.#closed) return [];
      if (this.#pending !== undefined) {
        const assignment = this.#pending;
        this.#pending = undefined;
        this.#delivered = assignment.partitions;
        await this.#options.onAssigned?.(assignment);
        continue;
      }
      const out = this.#take(maxRecords);
      if (out.length > 0) return out;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.#waker.wait(left);
    }
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.add(topicPartitionKey(tp.topic, tp.partition));
    if (this.#running !== undefined && partitions.length > 0) this.#kafkajsPauseState('pause', partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#paused.delete(topicPartitionKey(tp.topic, tp.partition));
    if (this.#running !== undefined && partitions.length > 0) this.#kafkajsPauseState('resume', partitions);
    this.#waker.wake();
  }

  /**
   * Mirrors our pause set into kafkajs so it stops fetching those partitions. kafkajs throws while
   * it restarts after a crash (no consumer group object); our set still filters poll(), so that
   * failure only costs some buffered records.
   */
  #kafkajsPauseState(op: 'pause' | 'resume', partitions: readonly TopicPartition[]): void {
    try {
      if (op === 'pause') this.#consumer.pause(toTopicPartitions(partitions));
      else this.#consumer.resume(toTopicPartitions(partitions));
    } catch {
      // see above
    }
  }

  seek(tp: TopicPartitionOffset): void {
    if (this.#running === undefined) throw new KafkaClientError(`seek(${tp.topic}-${tp.partition}) before the first poll(): the group has not been joined yet`, { retriable: false });
    const key = topicPartitionKey(tp.topic, tp.partition);
    this.#drop((e) => e.key === key);
    try {
      this.#consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(tp.offset) });
    } catch (e) {
      throw toClientError(e, `seek(${tp.topic}-${tp.partition}, ${tp.offset})`);
    }
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const gen = this.#generation;
    const coordinator = this.#coordinator;
    if (gen === undefined || coordinator === undefined) {
      throw new KafkaClientError(`committing offsets for group ${this.#options.groupId} failed: the member has not joined the group yet`, { retriable: true });
    }
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (list === undefined) byTopic.set(o.topic, (list = []));
      list.push({ partition: o.partition, offset: String(o.offset) });
    }
    try {
      await coordinator.offsetCommit({
        groupId: this.#options.groupId,
        groupGenerationId: gen.generationId,
        memberId: gen.memberId,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
    } catch (e) {
      throw toClientError(e, `committing ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(', ')} for group ${this.#options.groupId} (generation ${gen.generationId})`);
    }
  }

  async committed(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]> {
    if (tps.length === 0) return [];
    if (this.#admin === undefined) {
      const admin = new KafkajsAdmin(this.#config);
      await admin.connect();
      this.#admin = admin;
    }
    return this.#admin.groupOffsets(this.#options.groupId, tps);
  }

  assignment(): readonly TopicPartition[] {
    return this.#delivered;
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waker.wake();
    this.#wakeFetch?.();
    try {
      await this.#consumer.disconnect();
      await this.#admin?.disconnect();
    } catch (e) {
      throw toClientError(e, `disconnecting the consumer of group ${this.#options.groupId}`);
    }
  }

  // ------------------------------------------------------------------------------------------

  #start(): void {
    if (this.#running !== undefined || this.#closed) return;
    if (!this.#subscribed) throw new KafkaClientError('poll() before subscribe(): subscribe to topics first', { retriable: false });
    this.#running = this.#consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.#onBatch(payload),
      })
      .catch((e: unknown) => {
        this.#fatal = toClientError(e, `joining group ${this.#options.groupId}`);
        this.#waker.wake();
      });
  }

  async #onBatch({ batch, heartbeat, isStale, isRunning }: EachBatchPayload): Promise<void> {
    const key = topicPartitionKey(batch.topic, batch.partition);
    if (this.#closed || isStale() || !this.#fetchable.has(key) || batch.messages.length === 0) return;
    const records: ConsumedRecord[] = new Array(batch.messages.length);
    let i = 0;
    for (const m of batch.messages) {
      records[i++] = { offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: fromKafkajsHeaders(m.headers) };
    }
    this.#buffer.push({ topic: batch.topic, partition: batch.partition, key, records, highWatermark: Number(batch.highWatermark) });
    this.#buffered += records.length;
    this.#waker.wake();
    while (this.#buffered > this.#maxBuffered && !this.#closed && isRunning()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.#heartbeatMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#wakeFetch = done;
      });
      this.#wakeFetch = undefined;
      await heartbeat();
    }
  }

  #take(maxRecords: number): FetchedBatch[] {
    const out: FetchedBatch[] = [];
    let left = maxRecords;
    for (let i = 0; i < this.#buffer.length && left > 0; ) {
      const e = this.#buffer[i]!;
      if (this.#paused.has(e.key)) {
        i++;
        continue;
      }
      if (e.records.length <= left) {
        out.push({ topic: e.topic, partition: e.partition, records: e.records, highWatermark: e.highWatermark });
        left -= e.records.length;
        this.#buffer.splice(i, 1);
      } else {
        out.push({ topic: e.topic, partition: e.partition, records: e.records.slice(0, left), highWatermark: e.highWatermark });
        e.records = e.records.slice(left);
        left = 0;
      }
    }
    this.#buffered -= maxRecords - left;
    if (this.#buffered <= this.#maxBuffered) this.#wakeFetch?.();
    return out;
  }

  #drop(predicate: (e: Entry) => boolean): void {
    const keep: Entry[] = [];
    for (const e of this.#buffer) {
      if (predicate(e)) this.#buffered -= e.records.length;
      else keep.push(e);
    }
    this.#buffer = keep;
    this.#wakeFetch?.();
  }

  async #beforeJoin(): Promise<void> {
    this.#fetchable = new Set();
    this.#drop(() => true);
    this.#pending = undefined;
    if (this.#paused.size > 0) {
      const paused = [...this.#paused].map((k) => {
        const at = k.lastIndexOf('\u0000');
        return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) };
      });
      this.#paused.clear();
      this.#kafkajsPauseState('resume', paused);
    }
    const revoked = this.#delivered;
    this.#delivered = [];
    if (revoked.length === 0 || this.#options.beforeRevoke === undefined || this.#closed) return;
    try {
      await this.#options.beforeRevoke(revoked);
    } catch (e) {
      // The join must go on: the partitions move whatever happens here.
      console.warn(`[tributary] group ${this.#options.groupId}: beforeRevoke failed (${(e as Error).message}); rejoining anyway`);
    }
  }

  #afterSync(r: SyncResult): void {
    this.#generation = { generationId: r.generationId, memberId: r.memberId };
    this.#fetchable = new Set(r.partitions.map((tp) => topicPartitionKey(tp.topic, tp.partition)));
    this.#pending = { partitions: r.partitions, userData: r.userData, generationId: r.generationId, memberId: r.memberId };
    this.#waker.wake();
  }
}

function toTopicPartitions(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const m = new Map<string, number[]>();
  for (const tp of tps) {
    let l = m.get(tp.topic);
    if (l === undefined) m.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  return [...m].map(([topic, partitions]) => ({ topic, partitions }));
}
