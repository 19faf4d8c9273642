import { describe, it, expect } from 'vitest';
import { ALL_TXN_STATES, assertTransition, isValidTransition, parseTxnState, TxnState, type TxnStateName } from '../../../src/broker/txn/txn-state-machine.ts';

/** Kafka's TransactionState.validPreviousStates (TransactionMetadata.scala), written out independently. */
const KAFKA_LEGAL: readonly [TxnStateName, TxnStateName][] = [
  ['Empty', 'Ongoing'], ['Empty', 'PrepareAbort'], ['Empty', 'Dead'],
  ['Ongoing', 'Ongoing'], ['Ongoing', 'PrepareCommit'], ['Ongoing', 'PrepareAbort'], ['Ongoing', 'PrepareEpochFence'],
  ['PrepareCommit', 'CompleteCommit'],
  ['PrepareAbort', 'CompleteAbort'],
  ['CompleteCommit', 'Empty'], ['CompleteCommit', 'Ongoing'], ['CompleteCommit', 'PrepareAbort'], ['CompleteCommit', 'Dead'],
  ['CompleteAbort', 'Empty'], ['CompleteAbort', 'Ongoing'], ['CompleteAbort', 'PrepareAbort'], ['CompleteAbort', 'Dead'],
  ['PrepareEpochFence', 'PrepareAbort'],
];

describe('transaction state machine', () => {
  it('allows exactly the transitions of the table', () => {
    const legal = new Set(KAFKA_LEGAL.map(([a, b]) => `${a}>${b}`));
    for (const from of ALL_TXN_STATES) {
      for (const to of ALL_TXN_STATES) {
        expect(isValidTransition(from, to), `${from} → ${to}`).toBe(legal.has(`${from}>${to}`));
      }
    }
  });

  it('a commit cannot skip its prepare phase, and Dead is terminal', () => {
    expect(() => assertTransition('t', TxnState.Ongoing, TxnState.CompleteCommit)).toThrow(/illegal state transition Ongoing → CompleteCommit/);
    for (const to of ALL_TXN_STATES) expect(isValidTransition(TxnState.Dead, to)).toBe(false);
  });

  it('parses persisted names and rejects unknown ones', () => {
    expect(parseTxnState('PrepareCommit')).toBe('PrepareCommit');
    expect(() => parseTxnState('Committing')).toThrow(/unknown transaction state "Committing"/);
  });
});
