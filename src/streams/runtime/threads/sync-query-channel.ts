/*
 * KafkaStreams.query() across worker stream threads. query() is synchronous (as Kafka's), but a
 * worker's tasks live in its own heap, so the main thread asks each worker over a dedicated
 * channel and blocks until it answers:
 *
 *   main                                              worker (its event loop is free between
 *                                                             processing batches)
 *   1 post { id, request, state } on its port  ───▶   2 runs phase 3 of streams-query.ts on its
 *                                                       own tasks (localPartitionResults), posts
 *                                                       { id, results } back, then adds 1 to the
 *   3 Atomics.wait on the shared counter   ◀────────    shared counter and notifies
 *   4 receiveMessageOnPort: takes the reply synchronously (the main port never gets a listener,
 *     so nothing else consumes it); replies to older, timed-out ids are dropped
 *
 * All workers are asked first (1), then awaited in turn (3–4), so they answer in parallel; each
 * answers for the partitions of its own tasks — the thread that owns a partition is the one that
 * answers for it. A worker that does not answer within QUERY_TIMEOUT_MS (stopping, or stuck)
 * contributes nothing, so its requested partitions answer NOT_PRESENT, as partitions moving
 * between threads do; a warning names it.
 * Invariant: the worker side never waits on the main thread, so the wait cannot deadlock.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { QueryResult } from '../../iq/v2/state-query.ts';
import { fromWireResult, type WireRequest, type WireResult } from '../../iq/v2/query-wire.ts';
import type { StreamsState } from '../streams-state.ts';
import { deserializeError, serializeError, type SerializedError } from './thread-messages.ts';

export const QUERY_TIMEOUT_MS = 10_000;

/** What a worker receives at start: its end of the channel and the shared counter. */
export interface SyncQueryEnd {
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
}

interface Ask {
  readonly id: number;
  readonly request: WireRequest;
  readonly state: StreamsState;
}

type Reply = { readonly id: number; readonly ok: true; readonly results: WireResult[] } | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** The main thread's end (one per worker, created when the worker is spawned). */
export class SyncQueryChannel {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly workerEnd: SyncQueryEnd;
  #nextId = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(4);
    this.#port = port1;
    this.#port.unref();
    this.#signal = new Int32Array(shared);
    this.workerEnd = { port: port2, signal: shared };
  }

  /** Step 1; returns the id to await. */
  post(request: WireRequest, state: StreamsState): number {
    const id = this.#nextId++;
    const ask: Ask = { id, request, state };
    this.#port.postMessage(ask);
    return id;
  }

  /** Steps 3–4: the reply to `id`, or undefined when `deadline` (Date.now() ms) passes first. Throws what the worker threw. */
  await(id: number, deadline: number): WireResult[] | undefined {
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
        const reply = m.message as Reply;
        if (reply.id !== id) continue; // the late answer of an earlier, timed-out query
        if (!reply.ok) throw deserializeError(reply.error);
        return reply.results;
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.#signal, 0, seen, left);
    }
  }

  close(): void {
    this.#port.close();
  }
}

/** The worker's side: answers every ask with `handle` (step 2). */
export function serveSyncQueries(end: SyncQueryEnd, handle: (request: WireRequest, state: StreamsState) => WireResult[]): void {
  const signal = new Int32Array(end.signal);
  end.port.on('message', (ask: Ask) => {
    let reply: Reply;
    try {
      reply = { id: ask.id, ok: true, results: handle(ask.request, ask.state) };
    } catch (e) {
      reply = { id: ask.id, ok: false, error: serializeError(e) };
    }
    try {
      end.port.postMessage(reply);
    } catch (e) {
      // A result that cannot be copied between threads (a value holding functions, say).
      end.port.postMessage({ id: ask.id, ok: false, error: { name: 'TypeError', message: `the query result of store ${ask.request.storeName} cannot be sent between threads: ${e instanceof Error ? e.message : String(e)}` } } satisfies Reply);
    }
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}

/** One worker as the query sees it (worker-stream-thread.ts). */
export interface SyncQueryable {
  readonly name: string;
  postStateQuery(request: WireRequest, state: StreamsState): number | undefined;
  awaitStateQuery(id: number, deadline: number): WireResult[] | undefined;
}

/** Steps 1–4 over every worker: their results, decoded. */
export function queryWorkers<R>(workers: readonly SyncQueryable[], request: WireRequest, state: StreamsState, warn: (message: string) => void, timeoutMs = QUERY_TIMEOUT_MS): Array<[number, QueryResult<R>]> {
  const deadline = Date.now() + timeoutMs;
  const asked = workers.map((w) => ({ w, id: w.postStateQuery(request, state) }));
  const out: Array<[number, QueryResult<R>]> = [];
  for (const { w, id } of asked) {
    if (id === undefined) continue; // the thread has ended
    const results = w.awaitStateQuery(id, deadline);
    if (results === undefined) {
      warn(`query of store ${request.storeName}: stream thread ${w.name} did not answer within ${timeoutMs} ms; its partitions answer NOT_PRESENT`);
      continue;
    }
    for (const r of results) out.push([r.partition, fromWireResult<R>(r)]);
  }
  return out;
}
