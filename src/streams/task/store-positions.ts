/*
 * StorePositions: the IQv2 positions of one task's stores (iq/v2/store-position.ts) — the single
 * owner of their lifecycle around the task:
 *   open(name, persistent)   a store's position, read from its `.position` checkpoint when the
 *                            store is persistent (iq/v2/position-checkpoint.ts)
 *   contextFor(name)         what the store's StoreContext carries: the position its top layer
 *                            updates per write, and — when IQ consistency is enabled (Kafka's
 *                            internal `__iq.consistency.offset.vector.enabled__`, default off) —
 *                            the consistency headers its changelogging layer adds to each record
 *   restoredHook(name)       when consistency is enabled: merges the positions carried by
 *                            restored changelog records (restore and standby) into the store's,
 *                            after the records are applied
 *   checkpoint()             commit step 5, after the stores' batches: persistent stores whose
 *                            position moved since the last checkpoint rewrite their file
 *   flushing(name, fn)       runs one store's cache flush (commit step 1): writes it forwards to
 *                            downstream stores merge the flushing store's position in
 *                            (store-position.ts)
 */
import type { RecordMetadata } from '../processor/processor-context.ts';
import type { RestoreRecord } from '../state/bytes-store.ts';
import type { Position } from '../iq/v2/position.ts';
import { positionCheckpointPath, readPositionCheckpoint, writePositionCheckpoint } from '../iq/v2/position-checkpoint.ts';
import { positionFromHeaders } from '../iq/v2/position-serde.ts';
import { StorePosition, type PositionSource } from '../iq/v2/store-position.ts';
import type { StreamsLogger } from './internal-context.ts';

interface Entry {
  readonly position: StorePosition;
  readonly persistent: boolean;
  /** The version last written to (or read from) the checkpoint file. */
  checkpointed: number;
}

export interface StorePositionContext {
  readonly position: StorePosition;
  readonly changelogHeaders: (() => Record<string, Buffer>) | undefined;
}

export class StorePositions {
  readonly #entries = new Map<string, Entry>();
  readonly #source: PositionSource;
  #flushing: Position | undefined;

  constructor(
    private readonly taskDir: string,
    private readonly consistencyEnabled: boolean,
    private readonly logger: StreamsLogger,
    current: () => RecordMetadata | undefined,
  ) {
    this.#source = { current, flushing: () => this.#flushing };
  }

  async open(name: string, persistent: boolean): Promise<StorePositionContext> {
    const position = new StorePosition(this.#source);
    if (persistent) position.mergeFrom(await readPositionCheckpoint(positionCheckpointPath(this.taskDir, name), (m) => this.logger.warn(`[store ${name}] ${m}`)));
    this.#entries.set(name, { position, persistent, checkpointed: position.version });
    return { position, changelogHeaders: this.consistencyEnabled ? () => position.headers() : undefined };
  }

  /** The store's position now (a snapshot not to be mutated), or undefined for an unknown store. */
  positionOf(name: string): Position | undefined {
    return this.#entries.get(name)?.position.snapshot();
  }

  restoredHook(name: string): ((records: ReadonlyArray<RestoreRecord>) => void) | undefined {
    const entry = this.#entries.get(name);
    if (!this.consistencyEnabled || entry === undefined) return undefined;
    let warned = false;
    const warn = (m: string): void => {
      if (!warned) this.logger.warn(`[store ${name}] ${m}`);
      warned = true;
    };
    return (records) => {
      // The records of one flush carry the same bytes: decode each distinct header once.
      let previous: Uint8Array | undefined;
      for (const r of records) {
        if (r.headers?.v === undefined) continue;
        const c = r.headers.c;
        if (c !== undefined && previous !== undefined && c.equals(previous)) continue;
        const p = positionFromHeaders(r.headers, warn);
        if (p !== undefined) entry.position.mergeFrom(p);
        previous = c;
      }
    };
  }

  flushing(name: string, flush: () => void): void {
    const previous = this.#flushing;
    this.#flushing = this.positionOf(name);
    try {
      flush();
    } finally {
      this.#flushing = previous;
    }
  }

  async checkpoint(): Promise<void> {
    for (const [name, e] of this.#entries) {
      if (!e.persistent || e.position.version === e.checkpointed) continue;
      const version = e.position.version;
      await writePositionCheckpoint(positionCheckpointPath(this.taskDir, name), e.position.snapshot());
      e.checkpointed = version;
    }
  }
}
