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
 * Position (what a bound is checked against): an active task's position is, per input
 * topic-partition, the offset of the last record it took for processing — every store of the task
 * has seen that record's effects once it was processed. A standby's position is empty (it follows
 * a changelog, not the input), so it answers only unbounded queries. Kafka tracks positions per
 * store and restores them from changelog headers; here a restarted task's position starts empty
 * until it processes its first record.
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
}

/** The task's position: offset of the last record taken per input partition (file comment). */
export function taskPosition(task: StreamTask): Position {
  const p = Position.emptyPosition();
  for (const o of task.consumedOffsets()) p.withComponent(o.topic, o.partition, o.offset - 1);
  return p;
}

export function runStateQuery<R>(ctx: StateQueryContext, request: StateQueryRequest): StateQueryResult<R> {
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
  const wanted = (p: number) => request.isAllPartitions() || request.getPartitions().has(p);
  const tm = ctx.taskManager;
  const tasks = [...(tm?.activeTasks() ?? []).map((t) => ({ t, active: true })), ...(tm?.standbyTasks() ?? []).map((t) => ({ t, active: false }))];
  for (const { t, active } of tasks) {
    const partition = t.id.partition;
    if (!wanted(partition)) continue;
    const store: StateStore | undefined = t.store(name);
    if (store === undefined) continue;
    if (request.isRequireActive() && (!active || ctx.state !== StreamsStates.RUNNING)) {
      result.addResult(
        partition,
        QueryResult.forFailure(FailureReason.NOT_ACTIVE, `Query requires a running active task, but partition was in state ${ctx.state} and was ${active ? 'active' : 'not active'}.`),
      );
      continue;
    }
    const position = active ? taskPosition(t) : Position.emptyPosition();
    result.addResult(partition, runStoreQuery<R>({ store, storeName: name, partition, position, timestamped: ctx.timestamped(name) }, request.getQuery(), request.getPositionBound()));
  }
  if (!request.isAllPartitions()) {
    for (const p of request.getPartitions()) {
      if (!result.getPartitionResults().has(p)) result.addResult(p, QueryResult.forFailure(FailureReason.NOT_PRESENT, 'The requested partition was not present at the time of the query.'));
    }
  }
  return result;
}
