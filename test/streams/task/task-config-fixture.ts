// A TaskConfig for tests that drive a StreamTask directly: string serdes, memory stores, a silent
// logger, logAndFail deserialization, and the given record-cache budget (0 = no cache).
import { DeserializationHandlers } from '../../../src/streams/errors/deserialization-handler.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { TaskConfig } from '../../../src/streams/task/stream-task.ts';

const silent = { warn: () => {}, error: () => {} };

export function testTaskConfig(cacheMaxBytes: number): TaskConfig {
  return {
    applicationId: 'app',
    stateDir: '/nonexistent-not-used-by-memory-stores',
    defaultKeySerde: Serdes.string() as never,
    defaultValueSerde: Serdes.string() as never,
    deserializationHandler: DeserializationHandlers.logAndFail(silent),
    defaultStoreType: 'memory',
    logger: silent,
    cacheMaxBytes,
  };
}
