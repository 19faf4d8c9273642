import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProducerIdAllocator, PRODUCER_ID_FILE } from '../../../src/broker/txn/producer-id-allocator.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pid-alloc-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('ProducerIdAllocator', () => {
  it('never repeats an id across restarts', () => {
    const dir = tmp();
    const seen = new Set<bigint>();
    for (let run = 0; run < 3; run++) {
      const a = new ProducerIdAllocator(dir);
      for (let i = 0; i < 5; i++) {
        const id = a.allocate();
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(15);
  });

  it('stays above producer ids observed in the logs', () => {
    const a = new ProducerIdAllocator(tmp());
    a.observe(5000n);
    expect(a.allocate()).toBe(5001n);
  });

  it('a corrupt file is an error that says what to do', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, PRODUCER_ID_FILE), '{oops');
    expect(() => new ProducerIdAllocator(dir)).toThrow(/corrupt.*nextBlockStart/);
  });
});
