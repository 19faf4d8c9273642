// Shared helpers for the window/session store tests: a StoreContext that captures changelog
// records, and temp-directory handling for LevelDB-backed stores.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectedRecord, StoreContext } from '../../../../src/streams/state/store-types.ts';

export function storeContext(stateDir: string, sent: CollectedRecord[], clock = { now: 0 }): StoreContext {
  return {
    applicationId: 'app',
    taskId: '0_0',
    partition: 0,
    stateDir,
    changelogTopic: undefined,
    collector: { send: (r) => sent.push(r) },
    currentTimestamp: () => clock.now,
    metrics: { record() {} },
  };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-window-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function toList<K, V>(it: Iterable<{ key: K; value: V }>): Array<[K, V]> {
  return [...it].map((kv) => [kv.key, kv.value]);
}
