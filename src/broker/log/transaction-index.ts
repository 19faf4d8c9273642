/*
 * The per-segment aborted-transaction index `<20-digit baseOffset>.txnindex`, Kafka's layout
 * (apache/kafka storage/.../log/TransactionIndex.java and AbortedTxn.java): a plain concatenation
 * of 34-byte entries, no file header, all fields big-endian:
 *
 *   offset  size  field
 *   0       2     version           int16, 0
 *   2       8     producerId        int64
 *   10      8     firstOffset       int64  first offset of the aborted transaction (may lie in an
 *                                          earlier segment)
 *   18      8     lastOffset        int64  offset of the ABORT marker, inside this segment
 *   26      8     lastStableOffset  int64  the partition's LSO right after the marker was written
 *
 * One entry is appended when an ABORT marker that closes a transaction with data in the partition
 * is written into this segment; entries are in marker (lastOffset) order.
 *
 * CONTRACT (shared with the log cleaner): a segment's `.txnindex` is a derived cache of that
 * segment. Every segment has one (a new segment starts with an empty file), so a MISSING or
 * CORRUPT file (length not a multiple of 34, unknown version, a marker offset outside the
 * segment or out of order) is rebuilt from the segment by a scan at load
 * (txn/partition-state-loader.ts). A segment re-verified after an unclean stop gets its file
 * rebuilt the same way. The cleaner writes the file of each segment it produces, from the entries
 * of the segments it replaces (log/cleaner-txn-index.ts), inside its crash-safe swap
 * (log/segment-swap.ts); a file missing on a live segment reads as "no aborted transactions" until
 * the next load.
 *
 * Why on disk rather than a list in memory: the aborted transactions of a partition accumulate
 * forever (until retention); Kafka keeps them per segment on disk and reads the few segments a
 * read_committed fetch covers. Only the file size of each segment's index is kept in memory, so a
 * partition without aborts costs no read at all.
 */
import fs from 'node:fs';
import { fsyncPath } from './fs-sync.ts';

export const TXN_INDEX_SUFFIX = '.txnindex';
export const TXN_ENTRY_SIZE = 34;
const TXN_ENTRY_VERSION = 0;

export interface AbortedTxnEntry {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
  /** LSO right after the marker: every transaction starting below it had completed. */
  lastStableOffset: number;
}

export type TxnIndexStatus = { kind: 'ok'; entries: AbortedTxnEntry[] } | { kind: 'missing' } | { kind: 'corrupt'; reason: string };

export function encodeTxnEntries(entries: readonly AbortedTxnEntry[]): Buffer {
  const buf = Buffer.alloc(entries.length * TXN_ENTRY_SIZE);
  entries.forEach((e, i) => {
    const p = i * TXN_ENTRY_SIZE;
    buf.writeInt16BE(TXN_ENTRY_VERSION, p);
    buf.writeBigInt64BE(e.producerId, p + 2);
    buf.writeBigInt64BE(BigInt(e.firstOffset), p + 10);
    buf.writeBigInt64BE(BigInt(e.lastOffset), p + 18);
    buf.writeBigInt64BE(BigInt(e.lastStableOffset), p + 26);
  });
  return buf;
}

/** Decodes a whole file; throws with the reason when the bytes are not a valid index. */
export function decodeTxnEntries(buf: Buffer): AbortedTxnEntry[] {
  if (buf.length % TXN_ENTRY_SIZE !== 0) throw new Error(`length ${buf.length} is not a multiple of ${TXN_ENTRY_SIZE}`);
  const out: AbortedTxnEntry[] = [];
  for (let p = 0; p < buf.length; p += TXN_ENTRY_SIZE) {
    const version = buf.readInt16BE(p);
    if (version !== TXN_ENTRY_VERSION) throw new Error(`entry at byte ${p} has version ${version}`);
    out.push({
      producerId: buf.readBigInt64BE(p + 2),
      firstOffset: Number(buf.readBigInt64BE(p + 10)),
      lastOffset: Number(buf.readBigInt64BE(p + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(p + 26)),
    });
  }
  return out;
}

/**
 * Kafka's TransactionIndex.collectAbortedTxns over one segment's entries: those whose marker is at
 * or after `fetchOffset` and whose first offset is below `upperOffset`. `complete` is true once an
 * entry's LSO reaches `upperOffset`: every transaction starting below the bound had ended by then,
 * so later segments cannot hold a marker the fetch needs.
 */
export function collectAborted(entries: readonly AbortedTxnEntry[], fetchOffset: number, upperOffset: number): { txns: AbortedTxnEntry[]; complete: boolean } {
  const txns: AbortedTxnEntry[] = [];
  for (const e of entries) {
    if (e.lastOffset >= fetchOffset && e.firstOffset < upperOffset) txns.push(e);
    if (e.lastStableOffset >= upperOffset) return { txns, complete: true };
  }
  return { txns, complete: false };
}

/**
 * The aborted transactions a read_committed fetch of [fetchOffset, upperOffset) must know, from
 * the segments starting with the one holding fetchOffset (Kafka's collectAbortedTransactions):
 * segment after segment until one says it is complete. Ordered by first offset, as clients expect.
 */
export function collectAbortedTxns(segments: readonly { txnIndex: Pick<TransactionIndex, 'entries'> }[], fetchOffset: number, upperOffset: number): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (const seg of segments) {
    const { txns, complete } = collectAborted(seg.txnIndex.entries(), fetchOffset, upperOffset);
    out.push(...txns);
    if (complete) break;
  }
  return out.sort((a, b) => a.firstOffset - b.firstOffset);
}

/** The `.txnindex` of one segment. Synchronous file operations, like the rest of a segment's writes. */
export class TransactionIndex {
  /** File size in bytes, -1 while unknown (read lazily; 0 for a missing file). */
  private bytes = -1;
  private unsynced = false;

  constructor(readonly path: string) {}

  /** Creates (or truncates to) an empty file: a new segment has no aborted transactions. */
  reset(): void {
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.bytes = 0;
  }

  /** Whether the file exists and is a valid index for a segment holding [baseOffset, nextOffset); its entries when it is. */
  check(baseOffset: number, nextOffset: number): TxnIndexStatus {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw err;
    }
    let entries: AbortedTxnEntry[];
    try {
      entries = decodeTxnEntries(buf);
      let prev = -1;
      for (const e of entries) {
        if (e.lastOffset < baseOffset || e.lastOffset >= nextOffset) throw new Error(`marker offset ${e.lastOffset} is outside [${baseOffset}, ${nextOffset})`);
        if (e.lastOffset <= prev) throw new Error(`marker offset ${e.lastOffset} is not after ${prev}`);
        if (e.firstOffset > e.lastOffset) throw new Error(`first offset ${e.firstOffset} is after marker offset ${e.lastOffset}`);
        prev = e.lastOffset;
      }
    } catch (err) {
      return { kind: 'corrupt', reason: (err as Error).message };
    }
    this.bytes = buf.length;
    return { kind: 'ok', entries };
  }

  private size(): number {
    if (this.bytes < 0) {
      try {
        this.bytes = fs.statSync(this.path).size;
      } catch {
        this.bytes = 0;
      }
    }
    return this.bytes;
  }

  /** Appends one entry (an ABORT marker just written into this segment). */
  append(entry: AbortedTxnEntry): void {
    const bytes = this.size();
    fs.appendFileSync(this.path, encodeTxnEntries([entry]));
    this.bytes = bytes + TXN_ENTRY_SIZE;
    this.unsynced = true;
  }

  /** Replaces the whole file (rebuild at load), atomically through a temporary file. */
  rewrite(entries: readonly AbortedTxnEntry[]): void {
    const tmp = this.path + '.tmp';
    fs.writeFileSync(tmp, encodeTxnEntries(entries));
    fs.renameSync(tmp, this.path);
    this.bytes = entries.length * TXN_ENTRY_SIZE;
    this.unsynced = true;
  }

  /** The entries on disk; none for an empty or missing file (no read at all when known empty). */
  entries(): AbortedTxnEntry[] {
    if (this.size() === 0) return [];
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.path);
    } catch {
      return [];
    }
    // A torn trailing entry can only come from a crash mid-append; whole entries stay usable.
    return decodeTxnEntries(buf.subarray(0, buf.length - (buf.length % TXN_ENTRY_SIZE)));
  }

  /** fsync, when entries were written since the last one (the segment joins the recovered prefix). */
  sync(): void {
    if (!this.unsynced) return;
    this.unsynced = false;
    if (fs.existsSync(this.path)) fsyncPath(this.path);
  }
}
