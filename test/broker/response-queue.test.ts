// ResponseQueue + MemoryBudget against a fake socket that flushes only when told to: replies are
// written in request order (a deferred one holds back the later ones), each reply's chunks go out
// corked, bytes count until the kernel takes them, and muting follows the per-connection limit
// and the shared budget.
import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { MemoryBudget } from '../../src/broker/memory-budget.ts';
import { ResponseQueue, type Reply } from '../../src/broker/response-queue.ts';

class FakeSocket {
  readonly written: string[] = [];
  readonly corks: string[][] = [];
  private pending: (() => void)[] = [];
  private corked: string[] | null = null;
  write(chunk: Buffer, cb?: () => void): boolean {
    this.written.push(chunk.toString());
    this.corked?.push(chunk.toString());
    if (cb) this.pending.push(cb);
    return true;
  }
  cork(): void {
    this.corked = [];
  }
  uncork(): void {
    if (this.corked) this.corks.push(this.corked);
    this.corked = null;
  }
  /** The kernel takes everything written so far. */
  flush(): void {
    const cbs = this.pending;
    this.pending = [];
    for (const cb of cbs) cb();
  }
}

const buf = (s: string): Buffer => Buffer.from(s);
const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));

function queue(budget: MemoryBudget, limit: number): { q: ResponseQueue; s: FakeSocket } {
  const s = new FakeSocket();
  return { q: new ResponseQueue(s as unknown as Socket, budget, limit), s };
}

describe('ResponseQueue', () => {
  it('writes in request order, holding later replies behind a deferred one, corking chunk lists', async () => {
    const { q, s } = queue(new MemoryBudget(1000), 1000);
    let resolve!: (r: Reply) => void;
    q.push(buf('a'));
    q.push(new Promise<Reply>((r) => (resolve = r)));
    q.push([buf('c1'), buf('c2')]);
    expect(s.written).toEqual(['a']);
    let progressed = false;
    void q.progressed().then(() => (progressed = true));
    await flushed();
    expect(progressed).toBe(false); // the deferred reply holds the queue
    resolve(buf('b'));
    await flushed();
    expect(s.written).toEqual(['a', 'b', 'c1', 'c2']);
    expect(progressed).toBe(true);
    expect(s.corks).toEqual([['c1', 'c2']]);
  });

  it('counts bytes until the socket has taken them and mutes over the per-connection limit', async () => {
    const budget = new MemoryBudget(1000);
    const { q, s } = queue(budget, 4);
    q.push(buf('12345'));
    expect(q.queuedBytes).toBe(5);
    expect(budget.inFlight).toBe(5);
    expect(q.mayRead()).toBe(false);
    let unmuted = false;
    void q.waitMayRead().then(() => (unmuted = true));
    await flushed();
    expect(unmuted).toBe(false);
    s.flush();
    await flushed();
    expect(unmuted).toBe(true);
    expect(q.queuedBytes).toBe(0);
    expect(budget.inFlight).toBe(0);
  });

  it('over the shared budget, mutes connections with bytes queued but never an empty one', async () => {
    const budget = new MemoryBudget(6);
    const a = queue(budget, 100);
    const b = queue(budget, 100);
    a.q.push(buf('aaaa'));
    b.q.push(buf('bbbb'));
    expect(budget.isOver).toBe(true);
    expect(a.q.mayRead()).toBe(false);
    expect(b.q.mayRead()).toBe(false);
    const idle = queue(budget, 100);
    expect(idle.q.mayRead()).toBe(true);
    let bUnmuted = false;
    void b.q.waitMayRead().then(() => (bUnmuted = true));
    a.s.flush(); // a's bytes leave: the budget is under its limit again, b may read
    await flushed();
    expect(bUnmuted).toBe(true);
    expect(budget.inFlight).toBe(4);
  });

  it('close releases every counted byte and drops unwritten replies', async () => {
    const budget = new MemoryBudget(1000);
    const { q, s } = queue(budget, 1000);
    q.push(buf('xyz'));
    q.push(new Promise<Reply>(() => undefined));
    q.push(buf('never'));
    q.close();
    expect(budget.inFlight).toBe(0);
    s.flush(); // a late callback changes nothing
    expect(budget.inFlight).toBe(0);
    expect(s.written).toEqual(['xyz']);
    await expect(q.drained()).resolves.toBeUndefined();
  });
});
