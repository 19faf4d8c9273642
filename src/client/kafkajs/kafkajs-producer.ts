/*
 * Producer over kafkajs (types.ts `Producer`).
 *
 * Batching: send() only queues. The first send() of a tick schedules one dispatch with
 * setImmediate, so every send() issued in the same tick (and its microtasks) goes out together as
 * one kafkajs sendBatch — one Produce request per broker, one record batch per partition. A
 * dispatch over maxBatchRecords records or maxRequestBytes bytes (a partition's batch must stay
 * under the broker's max.message.bytes) is cut into several sendBatch calls, issued in order; a
 * send() call failing in any of them is rejected.
 *
 * Offsets: the broker answers with each partition's base offset. We choose the partition of every
 * record ourselves (the custom partitioner below; same rule as Kafka's Java client: explicit
 * partition, else murmur2(key) % partitions, else round-robin) and remember it per message, so a
 * record's offset is baseOffset + its index among the records of its partition in that request.
 *
 * flush() waits for every dispatch started before it (including the one queued this tick).
 * Idempotence uses kafkajs' idempotent producer (InitProducerId, sequence numbers; one in-flight
 * request per broker, acks=-1), which keeps per-partition order across retries.
 */
import type { Producer as KjsProducer, Message, PartitionerArgs, TopicMessages } from 'kafkajs';
import { partitionForKey } from '../../util/murmur2.ts';
import { toClientError } from '../client-errors.ts';
import type { ClientConfig, Producer, ProducerOptions, ProducerRecord, RecordMetadata } from '../types.ts';
import { createKafka, toKafkajsHeaders } from './kafkajs-common.ts';

interface Pending {
  readonly records: readonly ProducerRecord[];
  resolve(meta: readonly RecordMetadata[]): void;
  reject(e: unknown): void;
}

export class KafkajsProducer implements Producer {
  readonly #producer: KjsProducer;
  readonly #acks: -1 | 0 | 1;
  readonly #compression: number;
  readonly #maxBatchRecords: number;
  readonly #maxRequestBytes: number;
  /** Partition chosen for each message of an in-flight request. */
  readonly #chosen = new WeakMap<Message, number>();
  readonly #roundRobin = new Map<string, number>();
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();
  /** Serializes dispatches so that records of one partition keep their order across ticks. */
  #chain: Promise<void> = Promise.resolve();
  #connected = false;

  constructor(config: ClientConfig, options: ProducerOptions = {}) {
    const idempotent = options.idempotent ?? false;
    this.#acks = idempotent ? -1 : options.acks ?? -1;
    this.#compression = options.compression === 'gzip' ? 1 : 0;
    this.#maxBatchRecords = options.maxBatchRecords ?? 2000;
    this.#maxRequestBytes = options.maxRequestBytes ?? 900 * 1024;
    this.#producer = createKafka(config).producer({
      idempotent,
      allowAutoTopicCreation: false,
      ...(idempotent ? { maxInFlightRequests: 1 } : {}),
      createPartitioner: () => (args: PartitionerArgs) => this.#partition(args),
    });
  }

  async connect(): Promise<void> {
    try {
      await this.#producer.connect();
      this.#connected = true;
    } catch (e) {
      throw toClientError(e, 'connecting the producer');
    }
  }

  send(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]> {
    if (!this.#connected) return Promise.reject(toClientError(new Error('the producer is not connected; call connect() first'), 'send'));
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        const done = new Promise<void>((release) => setImmediate(() => {
          this.#scheduled = false;
          const batch = this.#queue;
          this.#queue = [];
          const run = this.#chain
            .then(() => this.#dispatch(batch))
            .catch((e: unknown) => {
              const err = toClientError(e, 'sending records');
              for (const c of batch) c.reject(err);
            });
          this.#chain = run;
          void run.finally(release);
        }));
        this.#inFlight.add(done);
        void done.then(() => this.#inFlight.delete(done));
      }
    });
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    await this.flush();
    this.#connected = false;
    try {
      await this.#producer.disconnect();
    } catch (e) {
      throw toClientError(e, 'disconnecting the producer');
    }
  }

  #partition({ topic, partitionMetadata, message }: PartitionerArgs): number {
    let p: number;
    const n = partitionMetadata.length;
    if (message.partition !== undefined && message.partition !== null) p = message.partition;
    else if (message.key !== undefined && message.key !== null) p = partitionForKey(typeof message.key === 'string' ? Buffer.from(message.key) : message.key, n);
    else {
      const next = (this.#roundRobin.get(topic) ?? -1) + 1;
      this.#roundRobin.set(topic, next);
      p = next % n;
    }
    this.#chosen.set(message, p);
    return p;
  }

  async #dispatch(batch: readonly Pending[]): Promise<void> {
    // Cut the queued records (in order) into requests of at most maxBatchRecords records and
    // about maxRequestBytes bytes; one send() call may span requests. Requests go one after the
    // other, so a partition's records keep their order.
    const results: RecordMetadata[][] = batch.map(() => []);
    const failed: (unknown | undefined)[] = batch.map(() => undefined);
    let chunk: { call: number; record: ProducerRecord }[] = [];
    let bytes = 0;
    const flushChunk = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const current = chunk;
      chunk = [];
      bytes = 0;
      try {
        const meta = await this.#sendRequest(current.map((c) => c.record));
        current.forEach((c, i) => results[c.call]!.push(meta[i]!));
      } catch (e) {
        for (const c of current) failed[c.call] ??= e;
      }
    };
    for (let call = 0; call < batch.length; call++) {
      for (const record of batch[call]!.records) {
        const size = recordSize(record);
        if (chunk.length > 0 && (chunk.length >= this.#maxBatchRecords || bytes + size > this.#maxRequestBytes)) await flushChunk();
        chunk.push({ call, record });
        bytes += size;
      }
    }
    await flushChunk();
    batch.forEach((call, i) => {
      const e = failed[i];
      if (e !== undefined) call.reject(e);
      else call.resolve(results[i]!);
    });
  }

  /** One kafkajs sendBatch; resolves with the metadata of each record, in order. */
  async #sendRequest(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const byTopic = new Map<string, Message[]>();
    const messages: Message[] = [];
    for (const r of records) {
      const m: Message = { key: r.key, value: r.value, timestamp: String(r.timestamp) };
      if (r.partition !== undefined) m.partition = r.partition;
      const headers = toKafkajsHeaders(r.headers);
      if (headers !== undefined) m.headers = headers;
      messages.push(m);
      let t = byTopic.get(r.topic);
      if (t === undefined) byTopic.set(r.topic, (t = []));
      t.push(m);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
    let response;
    try {
      response = await this.#producer.sendBatch({ topicMessages, acks: this.#acks, compression: this.#compression });
    } catch (e) {
      throw toClientError(e, `sending ${records.length} records to ${[...byTopic.keys()].join(', ')}`);
    }
    const base = new Map<string, number>();
    for (const r of response) base.set(`${r.topicName}\u0000${r.partition}`, Number(r.baseOffset ?? -1));
    const next = new Map<string, number>();
    return records.map((r, j) => {
      const p = this.#chosen.get(messages[j]!) ?? r.partition ?? -1;
      const key = `${r.topic}\u0000${p}`;
      const b = base.get(key);
      if (b === undefined || b < 0 || this.#acks === 0) return { topic: r.topic, partition: p, offset: -1 };
      const idx = next.get(key) ?? 0;
      next.set(key, idx + 1);
      return { topic: r.topic, partition: p, offset: b + idx };
    });
  }
}

/** Estimated bytes of a record in a batch: payload plus varint/attribute overhead. */
function recordSize(r: ProducerRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const k in r.headers) n += 8 + k.length + (r.headers[k]?.length ?? 0);
  return n;
}
