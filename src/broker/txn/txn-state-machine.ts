/*
 * The transaction state machine of one transactional id (KIP-98; Apache Kafka's
 * TransactionState in coordinator/transaction/TransactionMetadata.scala), as a table.
 *
 *   from \ to        Empty Ongoing PrepareCommit PrepareAbort CompleteCommit CompleteAbort Dead PrepareEpochFence
 *   Empty              ·     ✓         ·             ✓            ·              ·          ✓        ·
 *   Ongoing            ·     ✓         ✓             ✓            ·              ·          ·        ✓
 *   PrepareCommit      ·     ·         ·             ·            ✓              ·          ·        ·
 *   PrepareAbort       ·     ·         ·             ·            ·              ✓          ·        ·
 *   CompleteCommit     ✓     ✓         ·             ✓            ·              ·          ✓        ·
 *   CompleteAbort      ✓     ✓         ·             ✓            ·              ·          ✓        ·
 *   PrepareEpochFence  ·     ·         ·             ✓            ·              ·          ·        ·
 *   Dead               ·     ·         ·             ·            ·              ·          ·        ·
 *
 * Read as "a transition to the column is legal from the rows ticked": e.g. PrepareCommit is only
 * reached from Ongoing (EndTxn commit), and CompleteCommit only from PrepareCommit (markers
 * written). Empty/Complete* → Ongoing is AddPartitionsToTxn/AddOffsetsToTxn starting a
 * transaction; Empty/Complete* → PrepareAbort is an InitProducerId or timeout abort of nothing
 * (kept legal, as Kafka's table does, since an abort with no partitions is harmless);
 * Ongoing → PrepareEpochFence is an InitProducerId (or timeout) fencing an open transaction,
 * which then aborts. Ongoing → Ongoing adds partitions to an open transaction.
 * Dead is terminal: the id expired (transactional.id.expiration.ms); it is written as a tombstone.
 */

export const TxnState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  Dead: 'Dead',
  PrepareEpochFence: 'PrepareEpochFence',
} as const;

export type TxnStateName = (typeof TxnState)[keyof typeof TxnState];

export const ALL_TXN_STATES: readonly TxnStateName[] = Object.values(TxnState);

/** Legal predecessors of each state (the columns of the table above). */
const PREDECESSORS: Readonly<Record<TxnStateName, readonly TxnStateName[]>> = {
  Empty: ['CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Empty', 'Ongoing', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Empty', 'Ongoing', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareEpochFence: ['Ongoing'],
};

export function isValidTransition(from: TxnStateName, to: TxnStateName): boolean {
  return PREDECESSORS[to].includes(from);
}

/** Throws (a broker bug, never client input) when `from → to` is not in the table. */
export function assertTransition(transactionalId: string, from: TxnStateName, to: TxnStateName): void {
  if (!isValidTransition(from, to)) {
    throw new Error(`transaction ${transactionalId}: illegal state transition ${from} → ${to}`);
  }
}

/** States in which markers are being written: requests other than retries wait (CONCURRENT_TRANSACTIONS). */
export function isPreparing(s: TxnStateName): boolean {
  return s === TxnState.PrepareCommit || s === TxnState.PrepareAbort || s === TxnState.PrepareEpochFence;
}

/** States in which no transaction is open (a new one may begin). */
export function isIdle(s: TxnStateName): boolean {
  return s === TxnState.Empty || s === TxnState.CompleteCommit || s === TxnState.CompleteAbort;
}

/** The state names parsed from the persisted log (unknown names are a corrupt record). */
export function parseTxnState(name: string): TxnStateName {
  if ((ALL_TXN_STATES as readonly string[]).includes(name)) return name as TxnStateName;
  throw new Error(`unknown transaction state "${name}"`);
}
