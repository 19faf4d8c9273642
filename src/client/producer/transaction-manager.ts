/*
 * The producer's identity towards the brokers: producer id, epoch and per-partition sequence
 * numbers (KIP-98 idempotence, KIP-360 epoch bumps). The sender asks it for a stamp when it first
 * encodes a batch and tells it when a partition's sequence is broken; it never decides retries.
 * A transactional producer's identity comes from its transaction coordinator instead
 * (transactions.ts calls `adopt` after InitProducerId with the transactional id); its epoch is the
 * coordinator's to bump, so `restart` is never used for it (a broken sequence aborts the
 * transaction and the next InitProducerId bumps the epoch, KIP-360).
 *
 * State:
 *   current    { producerId, epoch } from InitProducerId (transactionalId null), or
 *              { -1, -1 } when idempotence is off (every stamp is then -1/-1/-1).
 *   partitions per topic-partition { producerId, epoch, nextSequence }: the identity its
 *              sequences belong to. A partition keeps the identity it started with until its
 *              sequence breaks, so batches already stamped under it stay valid; Apache Kafka's
 *              broker keeps the epoch per (partition, producer id), as this producer does.
 *
 * Sequence rules (Apache Kafka's broker, ProducerStateManager):
 *   - a partition's batches carry baseSequence = nextSequence, then nextSequence += record count
 *     (wrapping from Int32.MAX to 0); a retry resends the same stamp, and the broker answers a
 *     copy of one of the last five batches with the original offset instead of appending again
 *     (hence at most five batches of a partition may be unacknowledged at once);
 *   - a batch with a higher epoch than the broker's entry must start at sequence 0.
 * Breaking a partition's sequence (`restart`): when the broker reports OUT_OF_ORDER_SEQUENCE_NUMBER
 * or UNKNOWN_PRODUCER_ID for a batch no earlier unacknowledged batch can explain, the records
 * before it are not in the log (the broker lost them, or a batch was given up), so the partition
 * moves to the newest epoch at sequence 0, bumping the epoch locally first if the partition
 * already uses it (Java's TransactionManager.bumpIdempotentProducerEpoch does the same for an
 * idempotent producer; InitProducerId without a transactional id would hand out a new id
 * instead). At epoch 32767 a new producer id is fetched.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { errorInfo } from '../../protocol/error-codes.ts';
import { KafkaClientError } from '../errors.ts';
import type { WireCluster } from '../cluster.ts';

/** The producer fields of a record batch header. */
export interface BatchStamp {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly baseSequence: number;
}

export const NO_STAMP: BatchStamp = { producerId: -1n, epoch: -1, baseSequence: -1 };

interface PartitionIdentity {
  producerId: bigint;
  epoch: number;
  nextSequence: number;
}

const INT32_MAX = 2_147_483_647;
const EPOCH_MAX = 32_767;
const INIT_ATTEMPTS = 10;

export class TransactionManager {
  readonly idempotent: boolean;
  #producerId = -1n;
  #epoch = -1;
  readonly #partitions = new Map<string, Map<number, PartitionIdentity>>();

  constructor(
    private readonly cluster: WireCluster,
    options: { idempotent: boolean },
  ) {
    this.idempotent = options.idempotent;
  }

  get producerId(): bigint {
    return this.#producerId;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Gets a producer id (idempotent producers only); retried while the broker answers retriably. */
  async init(): Promise<void> {
    if (!this.idempotent || this.#producerId >= 0n) return;
    await this.#newProducerId();
  }

  /**
   * Takes the identity a transaction coordinator handed out: every partition starts again at
   * sequence 0 under it (a new epoch must start at 0, see the sequence rules above).
   */
  adopt(producerId: bigint, epoch: number): void {
    this.#producerId = producerId;
    this.#epoch = epoch;
    this.#partitions.clear();
  }

  /** The stamp for the next batch of `count` records on topic-partition; advances its sequence. */
  stamp(topic: string, partition: number, count: number): BatchStamp {
    if (!this.idempotent) return NO_STAMP;
    const p = this.#partition(topic, partition);
    const baseSequence = p.nextSequence;
    const next = p.nextSequence + count;
    p.nextSequence = next > INT32_MAX ? next - INT32_MAX - 1 : next;
    return { producerId: p.producerId, epoch: p.epoch, baseSequence };
  }

  /**
   * Moves a partition whose sequence broke to the newest identity at sequence 0 (see the header).
   * The caller must re-stamp every unacknowledged batch of the partition, in order, afterwards.
   */
  async restart(topic: string, partition: number): Promise<void> {
    if (!this.idempotent) return;
    const p = this.#partition(topic, partition);
    if (p.producerId === this.#producerId && p.epoch === this.#epoch) {
      if (this.#epoch >= EPOCH_MAX) await this.#newProducerId();
      else this.#epoch++;
    }
    p.producerId = this.#producerId;
    p.epoch = this.#epoch;
    p.nextSequence = 0;
  }

  #partition(topic: string, partition: number): PartitionIdentity {
    let byPartition = this.#partitions.get(topic);
    if (byPartition === undefined) this.#partitions.set(topic, (byPartition = new Map()));
    let p = byPartition.get(partition);
    if (p === undefined) {
      if (this.#producerId < 0n) throw new KafkaClientError('the idempotent producer has no producer id: connect() first', { retriable: false });
      byPartition.set(partition, (p = { producerId: this.#producerId, epoch: this.#epoch, nextSequence: 0 }));
    }
    return p;
  }

  async #newProducerId(): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < INIT_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** attempt)));
      try {
        const conn = await this.cluster.any();
        const { body } = await conn.request(ApiKeys.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
        if (body.errorCode === 0) {
          this.#producerId = body.producerId;
          this.#epoch = body.producerEpoch;
          return;
        }
        const info = errorInfo(body.errorCode);
        last = new KafkaClientError(`InitProducerId failed: ${info.name} (Kafka error ${body.errorCode})`, { retriable: info.retriable, kafkaType: info.name });
        if (!info.retriable) break;
      } catch (e) {
        last = e;
        if ((e as { retriable?: boolean }).retriable === false) break;
      }
    }
    if (last instanceof KafkaClientError) throw last;
    throw new KafkaClientError(`InitProducerId failed: ${(last as Error | undefined)?.message ?? 'no reply'}`, { retriable: (last as { retriable?: boolean } | undefined)?.retriable !== false, cause: last });
  }
}
