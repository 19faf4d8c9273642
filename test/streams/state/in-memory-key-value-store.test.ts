import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { runStoreSuite } from './store-suite.ts';

runStoreSuite({
  label: 'in-memory',
  persistent: false,
  build({ caching, logging, cacheMaxBytes }) {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.string(), Serdes.string());
    if (caching) builder.withCachingEnabled(cacheMaxBytes);
    if (!logging) builder.withLoggingDisabled();
    return builder.build();
  },
});
