/*
 * KafkaStreams.query(StateQueryRequest) — Kafka Streams' IQv2 entry point (KIP-796), over this
 * instance's local tasks.
 *
 * Phases (as Kafka's KafkaStreams.query):
 *   1. the store must be in the topology (else UnknownStateStoreError) and the instance started
 *      (else StreamsNotStartedError) and not stopping or stopped (else StreamsStoppedError);
 *   2. a global store answers nothing here: its global result is UNKNOWN_QUERY_TYPE, as Kafka's
 *      ("Global stores do not yet support the KafkaStreams#query API"); use store() for it;
 *   3. each local task (active or standby) that holds the store and whose partition is
 *      requested: with requireActive(), a standby — or any task while the instance is not
 *      RUNNING — answers NOT_ACTIVE; otherwise the store partition runs the query under the
 *      request's position bound (iq/v2/store-query.ts);
 *   4. a requested partition no local task holds answers NOT_PRESENT.
 *
 * Position (what a bound is checked against): the store partition's own, as Kafka's — per input
 * topic-partition, the offset of the last record that wrote the store (iq/v2/store-position.ts),
 * read back from the `.position` checkpoint of a persistent store when its task restarts, and
 * recovered from changelog consistency headers by restores and standbys when
 * iqConsistencyOffsetVectorEnabled is on (task/store-positions.ts).
 * Execution info (request.enableExecutionInfo()): the store's line (store-query.ts), then one
 * naming the task that answered.
 */
import type { StateStore } from '../state/store-types.ts';
import type { StreamTask } from '../task/stream-task.ts';
import type { TaskManager } from './task-manager.ts';
import { Position } from '../iq/v2/position.ts';
import { runStoreQuery } from '../iq/v2/store-query.ts';
import { FailureReason, QueryResult, StateQueryResult, type StateQueryRequest } from '../iq/v2/state-query.ts';
import { StreamsStates, type StreamsState } from './streams-state.ts';

export class UnknownStateStoreError extends Error {
  override readonly name = 'UnknownStateStoreError';
}

/** Kafka's StreamsNotStartedException: query() before start(). */
export class StreamsNotStartedError extends Error {
  override readonly name = 'StreamsNotStartedError';
}

/** Kafka's StreamsStoppedException: query() while shutting down or after close / an error. */
export class StreamsStoppedError extends Error {
  override readonly name = 'StreamsStoppedError';
}

export interface StateQueryContext {
  readonly state: StreamsState;
  readonly storeNames: ReadonlySet<string>;
  readonly globalStoreNames: ReadonlySet<string>;
  /** Whether the store holds ValueAndTimestamp<V> (DSL tables and windowed aggregates). */
  timestamped(storeName: string): boolean;
  readonly taskManager: TaskManager | undefined;
  /** The stream thread answering (execution info); absent = not named. */
  readonly threadName?: string | undefined;
}

/**
 * Phases 1–4 (file comment). `remote`: with worker stream threads, phase 3 run by the other
 * threads on their own tasks (threads/sync-query-channel.ts), merged with this thread's.
 */
export function runStateQuery<R>(ctx: StateQueryContext, request: StateQueryRequest, remote?: (request: StateQueryRequest) => Array<[number, QueryResult<R>]>): StateQueryResult<R> {
  const name = request.getStoreName();
  if (!ctx.storeNames.has(name)) {
    throw new UnknownStateStoreError(`Cannot get state store ${name} because no such store is registered in the topology.`);
  }
  if (ctx.state === StreamsStates.CREATED) throw new StreamsNotStartedError(`KafkaStreams has not been started, you can retry after calling start() (query of store ${name}).`);
  if (ctx.state !== StreamsStates.RUNNING && ctx.state !== StreamsStates.REBALANCING) {
    throw new StreamsStoppedError(`KafkaStreams is not running. State is ${ctx.state}. (query of store ${name})`);
  }
  const result = new StateQueryResult<R>();
  if (ctx.globalStoreNames.has(name)) {
    result.setGlobalResult(QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE, 'Global stores do not yet support the KafkaStreams#query API. Use KafkaStreams#store instead.'));
    return result;
  }
  for (const [partition, r] of localPartitionResults<R>(ctx, request)) result.addResult(partition, r);
  if (remote !== undefined) for (const [partition, r] of remote(request)) result.addResult(partition, r);
  if (!request.isAllPartitions()) {
    for (const p of request.getPartitions()) {
      if (!result.getPartitionResults().has(p)) result.addResult(p, QueryResult.forFailure(FailureReason.NOT_PRESENT, 'The requested partition was not present at the time of the query.'));
    }
  }
  return result;
}

/** Phase 3 over the tasks of `ctx.taskManager` (one stream thread): one result per local partition asked for. */
export function localPartitionResults<R>(ctx: Pick<StateQueryContext, 'state' | 'timestamped' | 'taskManager' | 'threadName'>, request: StateQueryRequest): Array<[number, QueryResult<R>]> {
  const name = request.getStoreName();
  const out: Array<[number, QueryResult<R>]> = [];
  const wanted = (p: number) => request.isAllPartitions() || request.getPartitions().has(p);
  const tm = ctx.taskManager;
  const tasks = [...(tm?.activeTasks() ?? []).map((t) => ({ t, active: true })), ...(tm?.standbyTasks() ?? []).map((t) => ({ t, active: false }))];
  for (const { t, active } of tasks) {
    const partition = t.id.partition;
    if (!wanted(partition)) continue;
    const store: StateStore | undefined = t.store(name);
    if (store === undefined) continue;
    const start = request.executionInfoEnabled() ? process.hrtime.bigint() : 0n;
    if (request.isRequireActive() && (!active || ctx.state !== StreamsStates.RUNNING)) {
      out.push([
        partition,
        QueryResult.forFailure(FailureReason.NOT_ACTIVE, `Query requires a running active task, but partition was in state ${ctx.state} and was ${active ? 'active' : 'not active'}.`),
      ]);
      continue;
    }
    const position = t.storePosition(name) ?? Position.emptyPosition();
    const answer = runStoreQuery<R>({ store, storeName: name, partition, position, timestamped: ctx.timestamped(name) }, request.getQuery(), request.getPositionBound(), request.executionInfoEnabled());
    if (request.executionInfoEnabled()) answer.addExecutionInfo(`Handled by ${active ? 'active' : 'standby'} task ${t.idString}${ctx.threadName === undefined ? '' : ` on ${ctx.threadName}`} in ${process.hrtime.bigint() - start}ns`);
    out.push([partition, answer]);
  }
  return out;
}
