/*
 * Test helper: which segments of one partition directory had their batch headers read while `fn`
 * ran (a spy on LogSegment.scanHeaders, the one way start-up reads batch headers). Start-up tests
 * use it to show what a restart had to scan.
 */
import { vi } from 'vitest';
import { LogSegment } from '../../../src/broker/log/log-segment.ts';

export async function countScans<T>(partitionDir: string, fn: () => Promise<T>): Promise<{ result: T; scanned: Set<number> }> {
  const scanned = new Set<number>();
  const original = LogSegment.prototype.scanHeaders;
  const spy = vi.spyOn(LogSegment.prototype, 'scanHeaders').mockImplementation(function (this: LogSegment, ...args) {
    if (this.dir === partitionDir) scanned.add(this.baseOffset);
    return original.apply(this, args);
  });
  try {
    return { result: await fn(), scanned };
  } finally {
    spy.mockRestore();
  }
}
