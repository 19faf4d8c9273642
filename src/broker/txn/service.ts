/*
 * The idempotent-producer service: producer id allocation (persisted, never repeated) and the
 * per-partition producer state, attached to the broker's Produce seam as a ProduceHook.
 *
 * Start, numbered:
 *   1. open the id allocator (<dataDir>/producer-ids.json);
 *   2. restore every partition's producer state and open transactions from its newest usable
 *      producer-state snapshot plus the batch headers after it, rebuilding any `.txnindex` that
 *      is missing, corrupt or in a re-verified tail (partition-state-loader.ts), so duplicates are
 *      still detected after a restart; keep the allocator above every producer id found. The open
 *      transactions are handed to the transaction service (takeRecoveredTransactions);
 *   3. push the hook: before an append, `check` (duplicate → original offset, gap → 45, stale
 *      epoch → 47); after it, `record` with the assigned base offset.
 *
 * Invariant: check and record for one batch run in the same synchronous section of the Produce
 * handler (appends are synchronous), so no other batch can slip in between them.
 * Transactions live beside this (txn-service.ts, transaction-coordinator.ts): their produce hook
 * runs after this one, and the open transaction's first offset per partition is kept in
 * partition-txn-state.ts rather than here.
 */
import type { Broker, ProduceHook } from '../broker.ts';
// Type-only: services.ts imports this module, so a runtime import back would be a cycle.
import type { ServiceDef, ServiceKey } from '../services.ts';
import { ProducerIdAllocator } from './producer-id-allocator.ts';
import { ProducerStateManager } from './producer-state.ts';
import { loadPartitionState } from './partition-state-loader.ts';
import type { RecoveredTxns } from './txn-partitions.ts';

export const MAX_PRODUCER_EPOCH = 32767;

export class ProducerService {
  private constructor(
    readonly allocator: ProducerIdAllocator,
    readonly state: ProducerStateManager,
    private recoveredTxns: Map<string, RecoveredTxns>,
  ) {}

  /** The open transactions and marker coordinator epochs found at start, per partition (taken once by the transaction service). */
  takeRecoveredTransactions(): RecoveredTxns[] {
    const out = [...this.recoveredTxns.values()];
    this.recoveredTxns = new Map();
    return out;
  }

  static start(broker: Broker): ProducerService {
    const allocator = new ProducerIdAllocator(broker.options.dataDir); // 1
    const state = new ProducerStateManager();
    const recoveredTxns = new Map<string, RecoveredTxns>();
    for (const topic of broker.topics.list()) {
      // 2
      for (let p = 0; p < topic.partitions; p++) {
        const log = broker.partitions.get(topic.name, p);
        if (log === undefined) continue;
        const loaded = loadPartitionState(log);
        for (const d of loaded.droppedSnapshots) broker.logger.warn(`${log.name}: ignored producer-state snapshot ${d.offset}: ${d.reason}`);
        const rebuilt = loaded.rebuiltTxnIndexes.filter((r) => !r.reason.startsWith('segment re-verified'));
        if (rebuilt.length > 0) broker.logger.warn(`${log.name}: rebuilt ${rebuilt.length} transaction index file(s) (${rebuilt[0]!.baseOffset}: ${rebuilt[0]!.reason})`);
        state.adopt(topic.name, p, loaded.producers);
        if (loaded.open.size > 0 || loaded.coordinatorEpochs.size > 0) {
          recoveredTxns.set(`${topic.name}\u0000${p}`, { topic: topic.name, partition: p, open: loaded.open, coordinatorEpochs: loaded.coordinatorEpochs });
        }
        if (loaded.maxPid >= 0n) allocator.observe(loaded.maxPid);
      }
    }
    const service = new ProducerService(allocator, state, recoveredTxns);
    const hook: ProduceHook = {
      // 3
      beforeAppend: (ctx) => {
        const d = state.check(ctx.topic, ctx.partition, ctx.header);
        if (d.kind === 'duplicate') return { kind: 'duplicate', baseOffset: d.baseOffset };
        if (d.kind === 'error') return { kind: 'error', errorCode: d.errorCode, message: d.message };
        return { kind: 'append' };
      },
      // The header was read before the append: on a LogAppendTime topic the log stamped the broker's time.
      afterAppend: (ctx, info) => state.record(ctx.topic, ctx.partition, info.logAppendTime >= 0 ? { ...ctx.header, maxTimestamp: info.logAppendTime } : ctx.header, info.baseOffset),
    };
    broker.produceHooks.push(hook);
    return service;
  }

  /**
   * InitProducerId for a non-transactional producer: a fresh id at epoch 0, or, when the client
   * names the id it holds (v3+, KIP-360), the same id at the next epoch (a fresh id once the
   * epoch would overflow or the id was never handed out).
   */
  initProducerId(producerId: bigint, producerEpoch: number): { producerId: bigint; producerEpoch: number } {
    if (producerId >= 0n && this.allocator.wasAllocated(producerId) && producerEpoch >= 0 && producerEpoch < MAX_PRODUCER_EPOCH) {
      return { producerId, producerEpoch: producerEpoch + 1 };
    }
    return { producerId: this.allocator.allocate(), producerEpoch: 0 };
  }

  close(): void {
    // Nothing to flush here: the transaction service writes the snapshots (it holds both halves).
  }
}

export const PRODUCERS: ServiceKey<ProducerService> = Object.freeze({ name: 'producers' });

export const producersService: ServiceDef<ProducerService> = { key: PRODUCERS, start: (broker) => ProducerService.start(broker) };
