/**
 * Tributary's public surface: the streams DSL and Processor API, serdes and stores, windows and
 * joins, and the bundled broker. Everything else under src/ is internal and may change.
 * The TopologyTestDriver lives in `tributary/testing`.
 */

// Runtime
export {
  KafkaStreams,
  StreamThreadExceptionResponse,
  type StreamsUncaughtExceptionHandler,
  type KeyQueryMetadata,
  type KafkaStreamsOptions,
} from './streams/runtime/kafka-streams.ts';
export {
  StreamsConfigError,
  type StreamsConfig,
  type StreamsConfigInput,
  type HostInfo,
} from './streams/runtime/streams-config.ts';
export { StreamsStates, type StreamsState, type StateListener } from './streams/runtime/streams-state.ts';
// rxjs views: an application's state, a point of a topology, an Observable fed into a topic
export {
  stateChanges,
  observeStream,
  observeTable,
  metrics$,
  produceFrom,
  type StateChange,
  type ObservedRecord,
  type MetricsSnapshot,
} from './streams/rx/observables.ts';
// Interactive queries over HTTP: the client for the built-in server (docs/interactive-queries.md)
export { InteractiveQueryClient, InteractiveQueryError, type KeyValueEntry, type WindowEntry } from './streams/iq/query-client.ts';
export {
  QueryableStoreTypes,
  InvalidStateStoreError,
  type QueryableStoreType,
  type ReadOnlyVersionedStoreView,
} from './streams/runtime/queryable-stores.ts';
export type { AsyncStoreView } from './streams/runtime/threads/cross-thread-store.ts';
export type { ModuleStreamsConfig } from './streams/runtime/threads/topology-module.ts';
export type { ThreadMetadata } from './streams/runtime/threads/thread-metadata.ts';

// Streams DSL
export { StreamsBuilder } from './streams/dsl/streams-builder.ts';
export { KStream } from './streams/dsl/kstream.ts';
export { KTable } from './streams/dsl/ktable.ts';
export { KGroupedStream } from './streams/dsl/kgrouped-stream.ts';
export { KGroupedTable } from './streams/dsl/kgrouped-table.ts';
export { GlobalKTable } from './streams/dsl/global-ktable.ts';
export { BranchedKStream } from './streams/dsl/branched-kstream.ts';
export { TimeWindowedKStream } from './streams/dsl/windowed/time-windowed-kstream.ts';
export { SessionWindowedKStream } from './streams/dsl/windowed/session-windowed-kstream.ts';
export { CogroupedKStream } from './streams/dsl/cogrouped-kstream.ts';
export type { ValueTransformerWithKey, ValueTransformerWithKeySupplier } from './streams/dsl/ops/ktable-transform-values.ts';
export { TimeWindowedCogroupedKStream, SessionWindowedCogroupedKStream } from './streams/dsl/windowed/cogrouped-windowed.ts';
export { Consumed } from './streams/dsl/options/consumed.ts';
export { Produced } from './streams/dsl/options/produced.ts';
export { Grouped } from './streams/dsl/options/grouped.ts';
export { Materialized, StoreType } from './streams/dsl/options/materialized.ts';
export { Named } from './streams/dsl/options/named.ts';
export { Repartitioned } from './streams/dsl/options/repartitioned.ts';
export { Branched } from './streams/dsl/options/branched.ts';
export { Joined } from './streams/dsl/options/joined.ts';
export { StreamJoined, type JoinStoreType } from './streams/dsl/options/stream-joined.ts';
export { TableJoined } from './streams/dsl/options/table-joined.ts';
export type { Change } from './streams/dsl/ops/change.ts';

// Windows, suppress, joins
export { TimeWindows } from './streams/windows/time-windows.ts';
export { UnlimitedWindows } from './streams/windows/unlimited-windows.ts';
export { SlidingWindows } from './streams/windows/sliding-windows.ts';
export { SessionWindows } from './streams/windows/session-windows.ts';
export { JoinWindows } from './streams/dsl/joins/join-windows.ts';
export { EmitStrategy } from './streams/dsl/windowed/emit-strategy.ts';
export { Suppressed, BufferConfig } from './streams/dsl/windowed/suppressed.ts';

// Topology and the Processor API
export { Topology, TopologyError } from './streams/topology/topology.ts';
export type { Processor, ProcessorSupplier } from './streams/processor/processor.ts';
export {
  PunctuationType,
  type ProcessorContext,
  type Punctuator,
  type Cancellable,
  type RecordMetadata,
} from './streams/processor/processor-context.ts';
export type { StreamRecord, RecordHeaders } from './streams/processor/record.ts';
export { taskIdToString, parseTaskId, type TaskId } from './streams/task/task-id.ts';
export { onStreamTimeAdvance, type StreamTimeAdvanceListener } from './streams/task/idle-watermark.ts';

// Errors and handlers
export {
  DeserializationHandlers,
  DeserializationFailedError,
  DLQ_HEADERS,
  type DeserializationExceptionHandler,
} from './streams/errors/deserialization-handler.ts';
export { StreamsProcessingError } from './streams/errors/processing-error.ts';
export { ProcessingHandlers, type ProcessingExceptionHandler, type ProcessingFailure, type ProcessingHandlerResponse } from './streams/errors/processing-exception-handler.ts';
export type { AsyncOptions } from './streams/async/async-options.ts';
export type { AsyncForwarder, AsyncPredicate, AsyncRecordProcessor, AsyncValueMapper } from './streams/async/async-operators.ts';
export { AsyncTimeoutError } from './streams/async/async-call.ts';

// Serdes
export { Serdes } from './streams/serde/serdes.ts';
export type { Serde, Serializer, Deserializer, SerdeType } from './streams/serde/serde.ts';
export { DeserializationError, SerializationError } from './streams/serde/serde-errors.ts';
export type { Windowed, WindowBounds } from './streams/serde/windowed-serdes.ts';

// State stores
export { Stores, KeyValueStoreBuilder, type KeyValueBytesStoreSupplier } from './streams/state/stores.ts';
export { WindowStores, type WindowBytesStoreSupplier, type SessionBytesStoreSupplier } from './streams/state/window/window-stores.ts';
export { BuiltInDslStoreSuppliers, type DslStoreSuppliers, type DslStoreChoice, type DslKeyValueParams, type DslWindowParams, type DslSessionParams } from './streams/state/dsl-store-suppliers.ts';
export { TopologyOptimization, type BuildConfig } from './streams/dsl/topology-optimization.ts';
export { VersionedKeyValueStoreBuilder, type VersionedBytesStoreSupplier } from './streams/state/versioned/versioned-store-builder.ts';
export {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  type ReadOnlyVersionedKeyValueStore,
  type VersionedKeyValueStore,
  type VersionedRecord,
} from './streams/state/versioned/versioned-record.ts';
export { MultiVersionedKeyQuery, ResultOrder, VersionedKeyQuery, type VersionsRange } from './streams/state/versioned/versioned-queries.ts';
export { KeyQuery, RangeQuery, TimestampedKeyQuery, TimestampedRangeQuery, WindowKeyQuery, WindowRangeQuery, type Query } from './streams/iq/v2/queries.ts';
export { FailureReason, QueryResult, StateQueryRequest, StateQueryResult } from './streams/iq/v2/state-query.ts';
export { Position, PositionBound } from './streams/iq/v2/position.ts';
export { StreamsNotStartedError, StreamsStoppedError, UnknownStateStoreError } from './streams/runtime/streams-query.ts';
export type {
  KeyValue,
  KeyValueIterator,
  KeyValueStore,
  ReadOnlyKeyValueStore,
  StateStore,
} from './streams/state/store-types.ts';
export type {
  WindowStore,
  ReadOnlyWindowStore,
  SessionStore,
  ReadOnlySessionStore,
  WindowStoreIterator,
} from './streams/state/window/window-store-types.ts';
export type { ValueAndTimestamp } from './streams/state/value-and-timestamp.ts';

// Tributary's Kafka client (the one the runtime uses): produce input, consume output, admin topics.
export { createClientFactory } from './client/client-factory.ts';
export { cooperativeStickyAssignor, COOPERATIVE_STICKY } from './client/consumer/cooperative-sticky-assignor.ts';
export { RebalanceProtocol } from './client/types.ts';
export type {
  ClientConfig,
  ClientFactory,
  Producer,
  ProducerOptions,
  ProducerRecord,
  Admin,
  NewTopic,
  NewPartitions,
  AssignedConsumer,
  AssignedConsumerOptions,
  ConsumedRecord,
  TopicPartition,
  TopicPartitionOffset,
  GroupAssignor,
  GroupConsumer,
  GroupConsumerOptions,
  Assignment,
} from './client/types.ts';

// The bundled broker
export { Broker, type BrokerLogger } from './broker/broker.ts';
export { BrokerOptionsError, type BrokerOptions, type BrokerOptionsInput } from './broker/options.ts';

// Kafka-compatible helpers
export { murmur2, toPositive, partitionForKey } from './util/murmur2.ts';
export { ErrorCode, errorName, isRetriable } from './protocol/error-codes.ts';
export { Compression, type CompressionCodec } from './protocol/records/compression.ts';

// Observability: logging and metrics
export { createLogger, fromPino, toLogger, processLogger, silentLogger, LoggerOptionsError, LogLevels, LogFormats, type Logger, type LoggerLike, type LoggerOptions, type LogFields, type LogLevel as LoggerLevel, type LogFormat } from './logging/logger.ts';
export { metricValue, RecordingLevels, type KafkaMetric, type MetricTags, type MetricValue, type RecordingLevel } from './metrics/metric-registry.ts';
export type { StateRestoreListener, RestoreProgressInfo, RestoreTopicPartition } from './streams/metrics/restore-progress.ts';
export type { StreamsMetricsConfig } from './streams/runtime/streams-config.ts';
