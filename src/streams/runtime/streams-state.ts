/*
 * The lifecycle of a KafkaStreams instance — Kafka Streams' KafkaStreams.State — as a table of
 * valid transitions. The instance is the single source of truth for its state; every change goes
 * through StateMachine.transition(), which rejects what the table does not allow and tells the
 * listeners (new state, old state).
 *
 *   CREATED ──start()──▶ REBALANCING ◀──▶ RUNNING
 *      │                     │               │
 *      │                     └──close()──────┴──▶ PENDING_SHUTDOWN ──▶ NOT_RUNNING
 *      └──close()──────────────────────────────▶ PENDING_SHUTDOWN
 *   REBALANCING / RUNNING ──fatal error──▶ PENDING_ERROR ──▶ ERROR
 *
 *   state              meaning                                      may go to
 *   CREATED            built, not started                           REBALANCING, PENDING_SHUTDOWN
 *   REBALANCING        joining the group, restoring, or the broker  RUNNING, PENDING_SHUTDOWN,
 *                      is unreachable (retrying with backoff)       PENDING_ERROR
 *   RUNNING            processing                                   REBALANCING, PENDING_SHUTDOWN,
 *                                                                   PENDING_ERROR
 *   PENDING_SHUTDOWN   close() in progress                          NOT_RUNNING
 *   NOT_RUNNING        closed cleanly (terminal)                    —
 *   PENDING_ERROR      a fatal error; shutting down                 ERROR
 *   ERROR              stopped after an error (terminal; close() is still allowed and a no-op)
 */

export const StreamsStates = {
  CREATED: 'CREATED',
  REBALANCING: 'REBALANCING',
  RUNNING: 'RUNNING',
  PENDING_SHUTDOWN: 'PENDING_SHUTDOWN',
  NOT_RUNNING: 'NOT_RUNNING',
  PENDING_ERROR: 'PENDING_ERROR',
  ERROR: 'ERROR',
} as const;
export type StreamsState = (typeof StreamsStates)[keyof typeof StreamsStates];

const S = StreamsStates;
const TRANSITIONS: Readonly<Record<StreamsState, readonly StreamsState[]>> = {
  CREATED: [S.REBALANCING, S.PENDING_SHUTDOWN],
  REBALANCING: [S.RUNNING, S.PENDING_SHUTDOWN, S.PENDING_ERROR],
  RUNNING: [S.REBALANCING, S.PENDING_SHUTDOWN, S.PENDING_ERROR],
  PENDING_SHUTDOWN: [S.NOT_RUNNING],
  NOT_RUNNING: [],
  PENDING_ERROR: [S.ERROR],
  ERROR: [],
};

export type StateListener = (newState: StreamsState, oldState: StreamsState) => void;

export function isValidTransition(from: StreamsState, to: StreamsState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class StateMachine {
  #state: StreamsState = S.CREATED;
  readonly #listeners: StateListener[] = [];
  readonly #onListenerError: (e: unknown) => void;

  constructor(onListenerError: (e: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  get state(): StreamsState {
    return this.#state;
  }

  /** Adds a listener; the returned function removes it again. */
  addListener(listener: StateListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Moves to `to` when the table allows it; returns whether it moved (same state: false). */
  transition(to: StreamsState): boolean {
    const from = this.#state;
    if (from === to) return false;
    if (!isValidTransition(from, to)) return false;
    this.#state = to;
    for (const l of this.#listeners) {
      try {
        l(to, from);
      } catch (e) {
        this.#onListenerError(e);
      }
    }
    return true;
  }

  /** Like transition() but throws when the table forbids it (a caller bug, not a runtime event). */
  require(to: StreamsState, action: string): void {
    if (this.#state === to) return;
    if (!this.transition(to)) {
      throw new Error(`Cannot ${action}: the application is ${this.#state}, and ${this.#state} → ${to} is not a valid transition.`);
    }
  }

  isTerminal(): boolean {
    return this.#state === S.NOT_RUNNING || this.#state === S.ERROR;
  }
}
