// Opening partitions: a log tail damaged while the broker was stopped cleanly is repaired and the
// repair is logged, as after a crash (the operator hears that files changed under the broker).
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Broker, type BrokerLogger } from '../../src/broker/broker.ts';
import { tempDir } from './log/batch-fixture.ts';
import { makeBatch } from './raw-client.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function capture(): { logger: BrokerLogger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) } };
}

describe('partition repairs after a clean stop', () => {
  it('logs a truncated tail and rebuilt indexes', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const first = await Broker.start({ dataDir: t.dir, fsync: 'never' }, { logger: capture().logger });
    await first.topicManager.ensure('hurt', true);
    for (let i = 0; i < 5; i++) first.append('hurt', 0, makeBatch([{ key: 'k', value: `v${i}` }]));
    await first.close();

    const partDir = path.join(t.dir, 'hurt-0');
    const logFile = fs.readdirSync(partDir).find((f) => f.endsWith('.log'))!;
    fs.truncateSync(path.join(partDir, logFile), fs.statSync(path.join(partDir, logFile)).size - 5);
    for (const f of fs.readdirSync(partDir).filter((n) => n.endsWith('.index'))) fs.rmSync(path.join(partDir, f));

    const { logger, warnings } = capture();
    const second = await Broker.start({ dataDir: t.dir, fsync: 'never' }, { logger });
    try {
      expect(second.partitions.get('hurt', 0)!.logEndOffset).toBe(4);
      expect(warnings.some((w) => /recovered hurt-0 after a clean stop: .*truncated \d+ bytes/.test(w))).toBe(true);
      expect(warnings.some((w) => /recovered hurt-0 after a clean stop: rebuilt the indexes of 1 segment/.test(w))).toBe(true);
    } finally {
      await second.close();
    }
  });
});
