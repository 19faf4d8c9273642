// The lifecycle table: allowed transitions move and notify; forbidden ones do not.
import { describe, expect, it } from 'vitest';
import { StateMachine, isValidTransition } from '../../../src/streams/runtime/streams-state.ts';

describe('StateMachine', () => {
  it('follows the Kafka Streams lifecycle and tells listeners (new, old)', () => {
    const sm = new StateMachine(() => {});
    const seen: string[] = [];
    sm.addListener((n, o) => seen.push(`${o}>${n}`));
    expect(sm.transition('RUNNING')).toBe(false); // CREATED cannot jump to RUNNING
    expect(sm.transition('REBALANCING')).toBe(true);
    expect(sm.transition('RUNNING')).toBe(true);
    expect(sm.transition('REBALANCING')).toBe(true);
    expect(sm.transition('PENDING_SHUTDOWN')).toBe(true);
    expect(sm.transition('RUNNING')).toBe(false);
    expect(sm.transition('NOT_RUNNING')).toBe(true);
    expect(sm.isTerminal()).toBe(true);
    expect(seen).toEqual(['CREATED>REBALANCING', 'REBALANCING>RUNNING', 'RUNNING>REBALANCING', 'REBALANCING>PENDING_SHUTDOWN', 'PENDING_SHUTDOWN>NOT_RUNNING']);
  });

  it('keeps going when a listener throws, reporting the error', () => {
    const errors: unknown[] = [];
    const sm = new StateMachine((e) => errors.push(e));
    sm.addListener(() => {
      throw new Error('listener bug');
    });
    expect(sm.transition('REBALANCING')).toBe(true);
    expect(sm.state).toBe('REBALANCING');
    expect(errors).toHaveLength(1);
    expect(() => sm.require('NOT_RUNNING', 'close')).toThrow(/REBALANCING → NOT_RUNNING is not a valid transition/);
  });

  it('only reaches ERROR through PENDING_ERROR, and terminal states go nowhere', () => {
    expect(isValidTransition('RUNNING', 'ERROR')).toBe(false);
    expect(isValidTransition('RUNNING', 'PENDING_ERROR')).toBe(true);
    expect(isValidTransition('PENDING_ERROR', 'ERROR')).toBe(true);
    expect(isValidTransition('ERROR', 'REBALANCING')).toBe(false);
    expect(isValidTransition('NOT_RUNNING', 'REBALANCING')).toBe(false);
  });
});
