/*
 * The plain forms of an IQv2 request and of its per-partition results, for the hop between the
 * main thread and a worker stream thread (structured clone keeps plain data only; the classes keep
 * private state). Query objects are plain already (queries.ts). Positions travel as
 * [topic, [[partition, offset], …]] entries.
 */
import { Position, PositionBound } from './position.ts';
import type { Query } from './queries.ts';
import { QueryResult, StateQueryRequest, type FailureReason } from './state-query.ts';

export type WirePosition = Array<[string, Array<[number, number]>]>;

export interface WireRequest {
  readonly storeName: string;
  readonly query: Query;
  readonly partitions: number[] | undefined;
  readonly bound: WirePosition | undefined;
  readonly requireActive: boolean;
  readonly executionInfo: boolean;
}

export interface WireResult {
  readonly partition: number;
  readonly result: unknown;
  readonly failureReason: FailureReason | undefined;
  readonly failureMessage: string | undefined;
  readonly position: WirePosition | undefined;
  readonly executionInfo: string[];
}

function wirePosition(p: Position): WirePosition {
  return [...p.getTopics()].map((t) => [t, [...p.getPartitionPositions(t)]]);
}

function fromWirePosition(w: WirePosition): Position {
  return Position.fromMap(new Map(w.map(([t, parts]) => [t, new Map(parts)])));
}

export function toWireRequest(r: StateQueryRequest): WireRequest {
  const bound = r.getPositionBound().position;
  return {
    storeName: r.getStoreName(),
    query: r.getQuery(),
    partitions: r.isAllPartitions() ? undefined : [...r.getPartitions()],
    bound: bound === undefined ? undefined : wirePosition(bound),
    requireActive: r.isRequireActive(),
    executionInfo: r.executionInfoEnabled(),
  };
}

export function fromWireRequest(w: WireRequest): StateQueryRequest {
  let r = StateQueryRequest.inStore(w.storeName).withQuery(w.query);
  if (w.partitions !== undefined) r = r.withPartitions(w.partitions);
  if (w.bound !== undefined) r = r.withPositionBound(PositionBound.at(fromWirePosition(w.bound)));
  if (w.requireActive) r = r.requireActive();
  if (w.executionInfo) r = r.enableExecutionInfo();
  return r;
}

export function toWireResult(partition: number, q: QueryResult<unknown>): WireResult {
  const position = q.getPosition();
  return {
    partition,
    result: q.isSuccess() ? q.result : undefined,
    failureReason: q.failureReason,
    failureMessage: q.failureMessage,
    position: position === undefined ? undefined : wirePosition(position),
    executionInfo: q.getExecutionInfo(),
  };
}

export function fromWireResult<R>(w: WireResult): QueryResult<R> {
  const q = w.failureReason === undefined ? QueryResult.forResult(w.result as R) : QueryResult.forFailure<R>(w.failureReason, w.failureMessage ?? '');
  if (w.position !== undefined) q.setPosition(fromWirePosition(w.position));
  for (const line of w.executionInfo) q.addExecutionInfo(line);
  return q;
}
