/*
 * How a join reads the current row of a windowed KTable (the result of a windowed or session
 * aggregation) — Kafka Streams' KStreamWindowAggregate.view() / KStreamSessionWindowAggregate
 * .view(): the row of Windowed(key, window) is
 *   window store   fetch(key, window.start) — ValueAndTimestamp<V> as the store holds it
 *                  (time and sliding windows; the end is implied by the store's window size)
 *   session store  fetchSession(key, window.start, window.end), stamped with the session end
 * or null when absent. Reads go through the store's record cache, so they see updates not yet
 * flushed (Kafka's caching window and session stores answer the same way).
 */
import type { Windowed } from '../../serde/windowed-serdes.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import type { SessionStore, WindowStore } from '../../state/window/window-store-types.ts';
import type { TableValueGetterSupplier } from '../joins/value-getter.ts';

export function windowedValueGetter<K, V>(storeName: string, kind: 'window' | 'session'): TableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: () => [storeName],
    create(context) {
      if (kind === 'window') {
        const store = context.getStateStore<WindowStore<K, ValueAndTimestamp<V>>>(storeName);
        return { get: (key) => store.fetch(key.key, key.window.start) ?? null };
      }
      const store = context.getStateStore<SessionStore<K, V>>(storeName);
      return {
        get: (key) => {
          const value = store.fetchSession(key.key, key.window.start, key.window.end);
          return value === undefined || value === null ? null : { value, timestamp: key.window.end };
        },
      };
    },
  };
}
