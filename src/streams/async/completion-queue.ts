/*
 * Which completed records of an async operator may leave it now.
 *
 *   ordered    one FIFO in arrival order: the head leaves once it is done, then the next, so
 *              output order equals input order (per partition, and over the whole task).
 *   unordered  one FIFO per key: a key's head leaves once it is done; heads of different keys
 *              leave in completion order. Records of one key keep their order.
 *
 * Invariant: next() returns each pushed slot exactly once, after markDone() was called for it,
 * and never before an earlier-pushed slot of the same FIFO.
 */
export interface Slot {
  /** Identity of the record's key (unordered mode); ignored when ordered. */
  readonly keyId: string;
  done: boolean;
}

export class CompletionQueue<S extends Slot> {
  readonly #ordered: boolean;
  /** ordered: all slots, live from #head */
  #fifo: S[] = [];
  #head = 0;
  /** unordered: per-key FIFOs and the heads that are done, in completion order */
  readonly #byKey = new Map<string, S[]>();
  #ready: S[] = [];
  #size = 0;

  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  get size(): number {
    return this.#size;
  }

  push(slot: S): void {
    this.#size++;
    if (this.#ordered) {
      this.#fifo.push(slot);
      return;
    }
    const q = this.#byKey.get(slot.keyId);
    if (q === undefined) this.#byKey.set(slot.keyId, [slot]);
    else q.push(slot);
  }

  markDone(slot: S): void {
    slot.done = true;
    if (!this.#ordered && this.#byKey.get(slot.keyId)?.[0] === slot) this.#ready.push(slot);
  }

  /** The next slot that may leave, removed from the queue; undefined when none may. */
  next(): S | undefined {
    return this.#ordered ? this.#nextOrdered() : this.#nextUnordered();
  }

  #nextOrdered(): S | undefined {
    const slot = this.#fifo[this.#head];
    if (slot === undefined || !slot.done) return undefined;
    this.#fifo[this.#head++] = undefined as unknown as S;
    if (this.#head > 1024 && this.#head * 2 > this.#fifo.length) {
      this.#fifo = this.#fifo.slice(this.#head);
      this.#head = 0;
    }
    this.#size--;
    return slot;
  }

  #nextUnordered(): S | undefined {
    const slot = this.#ready.shift();
    if (slot === undefined) return undefined;
    const q = this.#byKey.get(slot.keyId)!;
    q.shift();
    if (q.length === 0) this.#byKey.delete(slot.keyId);
    else if (q[0]!.done) this.#ready.push(q[0]!);
    this.#size--;
    return slot;
  }

  /** Forgets every slot (the operator's task closed). */
  clear(): void {
    this.#fifo = [];
    this.#head = 0;
    this.#byKey.clear();
    this.#ready = [];
    this.#size = 0;
  }
}

/**
 * A string identity for a record key, for the per-key FIFOs: primitives by type and value, bytes
 * by content, other objects by their JSON (keys that serialize alike are one key, as they would be
 * on the wire).
 */
export function keyIdentity(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof key}:${String(key)}`;
    case 'undefined':
      return 'null';
    default:
      if (key === null) return 'null';
      if (key instanceof Uint8Array) return `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')}`;
      try {
        return `j${JSON.stringify(key)}`;
      } catch {
        return `o${String(key)}`;
      }
  }
}
