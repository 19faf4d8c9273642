/*
 * The TaskConfig every stream thread gives its tasks, from the instance's StreamsConfig — one
 * function for the main thread (kafka-streams.ts) and the workers (worker-entry.ts), so a task
 * behaves the same on either.
 */
import { resolve } from 'node:path';
import { DeserializationHandlers } from '../../errors/deserialization-handler.ts';
import type { StateStore } from '../../state/store-types.ts';
import type { StreamsLogger } from '../../task/internal-context.ts';
import type { TaskConfig } from '../../task/stream-task.ts';
import type { StreamsConfig } from '../streams-config.ts';

export function taskConfigOf(config: StreamsConfig, logger: StreamsLogger, globalStores?: (name: string) => StateStore | undefined): TaskConfig {
  return {
    applicationId: config.applicationId,
    upgradeFrom: config.upgradeFrom,
    stateDir: resolve(config.stateDir),
    defaultKeySerde: config.defaultKeySerde,
    defaultValueSerde: config.defaultValueSerde,
    deserializationHandler: config.deserializationHandler ?? DeserializationHandlers.logAndFail(logger),
    processingExceptionHandler: config.processingExceptionHandler,
    outerJoinEmitIntervalMs: config.outerJoinEmitIntervalMs,
    iqConsistencyOffsetVectorEnabled: config.iqConsistencyOffsetVectorEnabled,
    defaultStoreType: config.dslStoreSuppliers,
    cacheMaxBytes: config.cacheMaxBytes,
    logger,
    globalStores,
  };
}

/**
 * One thread's share of the record cache — Kafka's KafkaStreams.getCacheSizePerThread:
 * statestore.cache.max.bytes split evenly over the live stream threads plus the global thread when
 * the topology has global stores (it has a cache of its own); the whole budget with no thread.
 * At least 1 byte while caching is on (a share of 0 would turn the stores' caches off mid-run).
 */
export function cacheSharePerThread(totalBytes: number, liveThreads: number, hasGlobalThread: boolean): number {
  if (totalBytes <= 0) return 0;
  if (liveThreads === 0) return totalBytes;
  return Math.max(1, Math.floor(totalBytes / (liveThreads + (hasGlobalThread ? 1 : 0))));
}
