/*
 * The IQv2 request and results — Kafka Streams' StateQueryRequest, StateQueryResult, QueryResult
 * and FailureReason (KIP-796, org.apache.kafka.streams.query).
 *
 *   StateQueryRequest.inStore(name).withQuery(q)        all local partitions, unbounded, actives or standbys
 *     .withPartitions([0, 2]) / .withAllPartitions()
 *     .withPositionBound(PositionBound.at(position))     answer only from partitions that have seen it
 *     .requireActive()                                   standby (or not-running) partitions answer NOT_ACTIVE
 *     .enableExecutionInfo()                             each result lists where and how long it was handled
 *   StateQueryResult: one QueryResult per partition that answered (or failed), plus, for a
 *   requested partition this instance does not hold, NOT_PRESENT; getPosition() merges theirs.
 *
 * A QueryResult is a success (getResult) or a failure (getFailureReason, getFailureMessage); both
 * carry the store partition's Position. Asking a failure for its result throws, as in Kafka.
 */
import { Position, PositionBound } from './position.ts';
import type { Query } from './queries.ts';

export const FailureReason = {
  /** The store does not know how to run this kind of query. */
  UNKNOWN_QUERY_TYPE: 'UNKNOWN_QUERY_TYPE',
  /** requireActive() and the partition is a standby here (or the instance is not RUNNING). */
  NOT_ACTIVE: 'NOT_ACTIVE',
  /** The store partition has not yet seen the request's position bound. */
  NOT_UP_TO_BOUND: 'NOT_UP_TO_BOUND',
  /** The requested partition is not held by this instance at the time of the query. */
  NOT_PRESENT: 'NOT_PRESENT',
  /** The requested store partition does not exist at all. */
  DOES_NOT_EXIST: 'DOES_NOT_EXIST',
  /** The store threw while answering; the message says what. */
  STORE_EXCEPTION: 'STORE_EXCEPTION',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

export class QueryResult<R> {
  #position: Position | undefined;
  readonly #executionInfo: string[] = [];

  private constructor(
    readonly result: R | undefined,
    readonly failureReason: FailureReason | undefined,
    readonly failureMessage: string | undefined,
  ) {}

  static forResult<R>(result: R): QueryResult<R> {
    return new QueryResult<R>(result, undefined, undefined);
  }

  static forFailure<R>(reason: FailureReason, message: string): QueryResult<R> {
    return new QueryResult<R>(undefined, reason, message);
  }

  /** Kafka's message for a query a store cannot run. */
  static forUnknownQueryType<R>(query: { type?: unknown }, store: string): QueryResult<R> {
    return QueryResult.forFailure(
      FailureReason.UNKNOWN_QUERY_TYPE,
      `This store (${store}) doesn't know how to execute the given query (${String(query.type)}). Contact the store maintainer if you need support for a new query type.`,
    );
  }

  /** Kafka's NOT_UP_TO_BOUND message. */
  static notUpToBound<R>(position: Position, bound: PositionBound, partition: number): QueryResult<R> {
    return QueryResult.forFailure(FailureReason.NOT_UP_TO_BOUND, `For store partition ${partition}, the current position ${position.toString()} is not yet up to the bound ${bound.toString()}`);
  }

  isSuccess(): boolean {
    return this.failureReason === undefined;
  }

  isFailure(): boolean {
    return this.failureReason !== undefined;
  }

  /** The answer; throws on a failure (naming its reason and message). */
  getResult(): R {
    if (this.failureReason !== undefined) {
      throw new Error(`Cannot get result for failed query. Failure is ${this.failureReason}: ${this.failureMessage}`);
    }
    return this.result as R;
  }

  getFailureReason(): FailureReason {
    if (this.failureReason === undefined) throw new Error('Cannot get failure reason for a successful query.');
    return this.failureReason;
  }

  getFailureMessage(): string {
    if (this.failureMessage === undefined) throw new Error('Cannot get failure message for a successful query.');
    return this.failureMessage;
  }

  getPosition(): Position | undefined {
    return this.#position;
  }

  setPosition(position: Position): void {
    this.#position = position;
  }

  /** Adds one line of execution info (the layers that handle a query call it when asked to, Kafka's QueryResult.addExecutionInfo). */
  addExecutionInfo(message: string): void {
    this.#executionInfo.push(message);
  }

  /** With StateQueryRequest.enableExecutionInfo(): where the query was handled and how long each step took, innermost first. Else empty. */
  getExecutionInfo(): string[] {
    return [...this.#executionInfo];
  }

  toString(): string {
    const info = `executionInfo=[${this.#executionInfo.join(', ')}], position=${String(this.#position)}`;
    return this.isSuccess() ? `QueryResult{result=${String(this.result)}, ${info}}` : `QueryResult{failureReason=${this.failureReason}, failure='${this.failureMessage}', ${info}}`;
  }
}

export class StateQueryRequest<K = unknown> {
  private constructor(
    readonly storeName: string,
    readonly query: Query<K>,
    readonly partitions: ReadonlySet<number> | undefined,
    readonly positionBound: PositionBound,
    readonly requireActiveTask: boolean,
    readonly collectExecutionInfo: boolean = false,
  ) {}

  /** The first step: `StateQueryRequest.inStore(name).withQuery(q)`. */
  static inStore(name: string): { withQuery<K>(query: Query<K>): StateQueryRequest<K> } {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('StateQueryRequest.inStore: the store name must be a non-empty string');
    return {
      withQuery: <K>(query: Query<K>) => {
        if (query === null || typeof query !== 'object' || typeof (query as { type?: unknown }).type !== 'string') {
          throw new TypeError('StateQueryRequest.withQuery: expected a query object (KeyQuery, RangeQuery, WindowKeyQuery, …)');
        }
        return new StateQueryRequest<K>(name, query, undefined, PositionBound.unbounded(), false);
      },
    };
  }

  /** Only these partitions (a copy is kept). */
  withPartitions(partitions: Iterable<number>): StateQueryRequest<K> {
    const set = new Set(partitions);
    for (const p of set) if (!Number.isInteger(p) || p < 0) throw new RangeError(`StateQueryRequest.withPartitions: partitions must be non-negative integers, got ${String(p)}`);
    return new StateQueryRequest(this.storeName, this.query, set, this.positionBound, this.requireActiveTask, this.collectExecutionInfo);
  }

  withAllPartitions(): StateQueryRequest<K> {
    return new StateQueryRequest(this.storeName, this.query, undefined, this.positionBound, this.requireActiveTask, this.collectExecutionInfo);
  }

  withPositionBound(bound: PositionBound): StateQueryRequest<K> {
    if (!(bound instanceof PositionBound)) throw new TypeError('StateQueryRequest.withPositionBound: expected PositionBound.unbounded() or PositionBound.at(position)');
    return new StateQueryRequest(this.storeName, this.query, this.partitions, bound, this.requireActiveTask, this.collectExecutionInfo);
  }

  requireActive(): StateQueryRequest<K> {
    return new StateQueryRequest(this.storeName, this.query, this.partitions, this.positionBound, true, this.collectExecutionInfo);
  }

  /** Each result lists where it was handled and how long it took (getExecutionInfo), as Kafka's. */
  enableExecutionInfo(): StateQueryRequest<K> {
    return new StateQueryRequest(this.storeName, this.query, this.partitions, this.positionBound, this.requireActiveTask, true);
  }

  executionInfoEnabled(): boolean {
    return this.collectExecutionInfo;
  }

  getStoreName(): string {
    return this.storeName;
  }

  getQuery(): Query<K> {
    return this.query;
  }

  getPositionBound(): PositionBound {
    return this.positionBound;
  }

  isAllPartitions(): boolean {
    return this.partitions === undefined;
  }

  /** The requested partitions; throws for an all-partitions request, as Kafka's. */
  getPartitions(): ReadonlySet<number> {
    if (this.partitions === undefined) throw new Error("Cannot list partitions of an 'all partitions' request");
    return this.partitions;
  }

  isRequireActive(): boolean {
    return this.requireActiveTask;
  }
}

export class StateQueryResult<R> {
  readonly #partitions = new Map<number, QueryResult<R>>();
  #global: QueryResult<R> | undefined;

  addResult(partition: number, result: QueryResult<R>): void {
    this.#partitions.set(partition, result);
  }

  setGlobalResult(result: QueryResult<R>): void {
    this.#global = result;
  }

  /** partition → result, by partition. */
  getPartitionResults(): Map<number, QueryResult<R>> {
    return new Map([...this.#partitions].sort(([a], [b]) => a - b));
  }

  /** The one successful result (a key query answers from the key's partition); throws if not exactly one. */
  getOnlyPartitionResult(): QueryResult<R> | undefined {
    const ok = [...this.#partitions.values()].filter((r) => r.isSuccess() && r.result !== null && r.result !== undefined);
    if (ok.length > 1) throw new Error(`The query did not return exactly one partition result: ${ok.length} partitions answered`);
    return ok[0];
  }

  /** Kafka reserves this for global stores (not queryable through query(); see KafkaStreams.query). */
  getGlobalResult(): QueryResult<R> | undefined {
    return this.#global;
  }

  /** The merge of every partition result's position. */
  getPosition(): Position {
    let p = Position.emptyPosition();
    for (const r of this.#partitions.values()) p = p.merge(r.getPosition());
    return p;
  }
}
