// exactly_once_v2 when the broker answers TRANSACTION_ABORTABLE (KIP-890). While an in-process
// app (exactly-once-app.ts's topology: a pass-through branch and a count) runs on a live broker
// with input arriving, the test aborts the stream thread's open transaction on the broker behind
// its back, as an operator's abort of a hanging transaction would. The thread's next batch (Produce v11) or offset commit
// (TxnOffsetCommit v4) is refused with 120: the thread must abort, close its tasks dirty and
// revive them from their committed state, so that a read_committed reader still sees every input
// exactly once on the pass-through topic and every count update 1..n exactly once per word.
import { describe, expect, it } from 'vitest';
import { TRANSACTIONS } from '../../src/broker/txn/txn-service.ts';
import { TxnState } from '../../src/broker/txn/txn-state-machine.ts';
import { useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';
import { buildEosTopology, COUNTS, countUpdates, finalCounts, INPUT, PASSTHROUGH } from './exactly-once-app.ts';

const APP = 'eos-abortable';
const WORDS = ['ant', 'bee', 'cat', 'dog'];
const MIN_TOTAL = 600;
const MAX_TOTAL = 20_000;
const CHUNK = 20;

// Two ways a transaction ends on the broker behind the producer's back, one per transaction
// version the cluster finalizes. Level 1 (KIP-890 part 1 alone): an EndTxn v4 abort at the
// producer's own epoch; the thread meets 120 on its next batch or TxnOffsetCommit, or 48 at
// EndTxn. Level 2 (part 2, the default): an EndTxn v5 abort, which bumps the epoch, so the
// thread's next request is fenced and it rejoins as a fenced producer does.
describe.each([
  { level: 1, refusal: /TRANSACTION_ABORTABLE|INVALID_TXN_STATE/ },
  { level: 2, refusal: /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|fenced/i },
])('exactly_once_v2 and a broker-side abort at transaction.version $level', ({ level, refusal }) => {
  const bed = useStreamsTestBed(APP, { transaction: { version: level } });

  // On a loaded machine the abort often lands after the transaction's last batch was
  // acknowledged: only its commit follows. The thread's producer then meets the abort at
  // TxnOffsetCommit (120: the offsets partition joined the transaction at its start, see "Offsets
  // first" in src/client/producer/transactions.ts) or at EndTxn (48). Before that, AddOffsetsToTxn
  // began a new transaction holding only the offsets, the commit succeeded with no refusal, and
  // the aborted output was lost (counts stuck short of the total when it held the last updates).
  it('a transaction aborted on the broker mid-stream: the thread aborts, revives its tasks, and the output stays exactly once', async () => {
    for (const t of [INPUT, PASSTHROUGH, COUNTS]) await bed.io.createTopic(t, 2);
    const warnings: string[] = [];
    const app = bed.app(buildEosTopology(), {
      processingGuarantee: 'exactly_once_v2',
      retryBackoffMs: 100,
      logger: { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) },
    });
    await app.start();

    // At the first batch of the app's third transaction (its start: the thread then keeps
    // sending for up to a commit interval), abort that transaction on the broker.
    const coordinator = bed.broker.broker.service(TRANSACTIONS).coordinator;
    const started = new Set<number>();
    let aborting: Promise<number> | undefined;
    bed.broker.broker.produceHooks.push({
      beforeAppend: () => ({ kind: 'append' }),
      afterAppend: (ctx) => {
        if (aborting !== undefined || ctx.topic !== PASSTHROUGH || ctx.transactionalId === null) return;
        const m = coordinator.get(ctx.transactionalId);
        if (m === undefined || m.state !== TxnState.Ongoing) return;
        started.add(m.txnStartTimestamp);
        if (started.size < 3) return;
        const producer = { producerId: m.producerId, producerEpoch: m.producerEpoch };
        aborting = level === 1 ? coordinator.endTxn(m.transactionalId, producer, false, 4) : coordinator.endTxnV2(m.transactionalId, producer, false).then((r) => r.errorCode);
      },
    });
    // Input keeps arriving until the abort has happened and MIN_TOTAL records are in (at most
    // MAX_TOTAL): the thread must be sending when its transaction is aborted.
    let produced = 0;
    const trickle = (async () => {
      for (; (produced < MIN_TOTAL || aborting === undefined) && produced < MAX_TOTAL; produced += CHUNK) {
        const chunk: InputRecord[] = [];
        for (let j = produced; j < produced + CHUNK; j++) chunk.push({ key: WORDS[j % WORDS.length]!, value: `r${j}`, timestamp: 1_700_000_000_000 + j });
        await bed.io.produce(INPUT, chunk);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await trickle;
    expect(aborting, `no transaction aborted after ${produced} records`).toBeDefined();
    expect(await aborting).toBe(0);
    const total = produced;

    await waitFor(async () => sum(finalCounts(await bed.io.readAll(COUNTS, { readCommitted: true }))) === total, () => `all ${total} counted; warnings:\n${warnings.join('\n')}`, 90_000);
    // The thread met the refusal and recovered from it: 120 on its next batch or its
    // TxnOffsetCommit, or INVALID_TXN_STATE on its EndTxn if the abort lands after the offsets.
    expect(warnings.some((w) => refusal.test(w)), warnings.join('\n')).toBe(true);

    const ids = (await bed.io.readAll(PASSTHROUGH, { readCommitted: true })).map((r) => r.value!.toString());
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const updates = countUpdates(await bed.io.readAll(COUNTS, { readCommitted: true }));
    for (const w of WORDS) expect(updates.get(w), w).toEqual(Array.from({ length: total / WORDS.length }, (_, i) => i + 1));
  }, 180_000);
});

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}
