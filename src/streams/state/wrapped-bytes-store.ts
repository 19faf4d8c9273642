/*
 * WrappedBytesStore: the base of the caching and changelogging decorators. Every operation
 * delegates to the layer below; a decorator overrides only what it changes. This keeps each
 * decorator's file about its own concern (as Kafka Streams' WrappedStateStore does). The
 * lifecycle and the runtime hooks come from DelegatingRuntimeStore.
 */
import type { KeyValue, KeyValueIterator } from './store-types.ts';
import type { BytesKeyValueStore } from './bytes-store.ts';
import { DelegatingRuntimeStore } from './delegating-state-store.ts';

export abstract class WrappedBytesStore extends DelegatingRuntimeStore<BytesKeyValueStore> implements BytesKeyValueStore {

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer | null): void {
    this.inner.put(key, value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | undefined {
    return this.inner.delete(key);
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.inner.range(from, to);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.inner.reverseRange(from, to);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.range(undefined, undefined);
  }

  reverseAll(): KeyValueIterator<Buffer, Buffer> {
    return this.reverseRange(undefined, undefined);
  }

  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<Buffer, Buffer> {
    return this.prefixScanBytes(prefixSerializer.serialize(this.name, prefix));
  }

  prefixScanBytes(prefix: Buffer, reverse = false): KeyValueIterator<Buffer, Buffer> {
    return this.inner.prefixScanBytes(prefix, reverse);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** flush() = flushCache() + commit(), through this layer's own overrides (bytes-store.ts). */
  override async flush(): Promise<void> {
    this.flushCache();
    await this.commit();
  }
}
