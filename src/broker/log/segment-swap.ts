/*
 * Atomic replacement of a run of segments by one rewritten segment (the cleaner's output), safe
 * against a crash at any step. Kafka's `.cleaned`/`.swap` dance, with an explicit manifest so
 * recovery knows exactly which old segments the new one replaces.
 *
 *   step  action                                                   a crash here leaves …
 *   1     write <base>.log.cleaned (the new segment) with its      .cleaned, no manifest → discard
 *         <base>.index.cleaned and <base>.timeindex.cleaned, and
 *         <base>.txnindex.cleaned (its aborted-transaction index,
 *         cleaner-txn-index.ts) when the cleaner built one; fsync
 *   2     write cleaner-swap.json {base, replaced[]} atomically    manifest → roll forward
 *         (temp file, fsync, rename): THE COMMIT POINT
 *   3     delete the replaced segments' files (base's own files     manifest → roll forward
 *         only while <base>.log.cleaned still exists)
 *   4     rename <base>.log.cleaned → <base>.log, then each         manifest → roll forward
 *         index <base>.<suffix>.cleaned → <base>.<suffix>
 *   5     delete the manifest                                       done
 *
 * Roll forward (`completeInterruptedSwap`, run by the loader before segments are opened) repeats
 * steps 3–5; each is idempotent (the `.log` is renamed first, so once it is gone step 3 no longer
 * touches the base's files and an index `.cleaned` still waiting is renamed, never deleted). An
 * index the cleaner did not write is rebuilt from the new segment by the loader (step 3 deleted the
 * replaced segment's at the same base); one it wrote was built by appending the new segment's
 * batches, as the log builds indexes, so opening the new segment scans nothing but the tail after
 * its last index entry. Step 3 also deletes the replaced segments' derived
 * caches (DERIVED_SUFFIXES: the aborted-transaction index `<base>.txnindex`), so none describes
 * data that is gone; the new segment's comes from step 1, or, when the cleaner could not build it,
 * from a scan of the new segment at the next load.
 *
 * The new segment has the same base offset as the first replaced one, so offsets never move.
 * A cleaner builds each new segment in the partition's SCRATCH_DIR before step 1's renames; the
 * loader removes that directory with any `.cleaned` file no manifest names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, fsyncPath } from './fs-sync.ts';
import { INDEX_SUFFIX, LOG_SUFFIX, removeSegmentFiles, segmentFileName, TIME_INDEX_SUFFIX } from './log-segment.ts';

import { encodeTxnEntries, TXN_INDEX_SUFFIX, type AbortedTxnEntry } from './transaction-index.ts';

export const CLEANED_SUFFIX = '.cleaned';
/** Where the cleaner builds a new segment (cleaner-job.ts), inside the partition's directory. */
export const SCRATCH_DIR = 'cleaner-scratch';
/** The new segment's index files, renamed in step 4 after its `.log`. */
const CLEANED_INDEX_SUFFIXES: readonly string[] = [INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX];

/** Per-segment caches derived from the segment's data, deleted with it in step 3 (rebuilt on open). */
export const DERIVED_SUFFIXES: readonly string[] = [TXN_INDEX_SUFFIX];

function removeSegmentAndDerived(dir: string, base: number): void {
  removeSegmentFiles(dir, base);
  for (const suffix of DERIVED_SUFFIXES) fs.rmSync(path.join(dir, segmentFileName(base, suffix)), { force: true });
}
export const SWAP_MANIFEST = 'cleaner-swap.json';

export function cleanedLogPath(dir: string, base: number): string {
  return path.join(dir, segmentFileName(base, LOG_SUFFIX) + CLEANED_SUFFIX);
}

function cleanedTxnIndexPath(dir: string, base: number): string {
  return path.join(dir, segmentFileName(base, TXN_INDEX_SUFFIX) + CLEANED_SUFFIX);
}

/**
 * Step 1's second file: the new segment's `.txnindex` (nothing when `entries` is null: the loader
 * rebuilds it). A failed write leaves no file behind, only the rebuild.
 */
export function writeCleanedTxnIndex(dir: string, base: number, entries: readonly AbortedTxnEntry[] | null, fsync: boolean): void {
  if (entries === null) return;
  const file = cleanedTxnIndexPath(dir, base);
  try {
    fs.writeFileSync(file, encodeTxnEntries(entries));
    if (fsync) fsyncPath(file);
  } catch {
    fs.rmSync(file, { force: true });
  }
}

interface SwapManifest {
  base: number;
  replaced: number[];
}

/** Steps 2–5 for a `.cleaned` file already written and fsynced (step 1). */
export function commitSwap(dir: string, base: number, replaced: readonly number[], fsync: boolean): void {
  const manifest = path.join(dir, SWAP_MANIFEST);
  const tmp = manifest + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify({ base, replaced: [...replaced] } satisfies SwapManifest));
  if (fsync) fsyncPath(tmp);
  fs.renameSync(tmp, manifest);
  if (fsync) fsyncDir(dir); // the commit point is durable only once the rename is
  rollForward(dir, { base, replaced: [...replaced] });
  if (fsync) fsyncDir(dir);
}

function rollForward(dir: string, m: SwapManifest): void {
  const cleaned = cleanedLogPath(dir, m.base);
  const cleanedExists = fs.existsSync(cleaned);
  for (const b of m.replaced) {
    if (b !== m.base || cleanedExists) removeSegmentAndDerived(dir, b);
  }
  if (cleanedExists) fs.renameSync(cleaned, path.join(dir, segmentFileName(m.base, LOG_SUFFIX)));
  for (const suffix of CLEANED_INDEX_SUFFIXES) {
    const index = path.join(dir, segmentFileName(m.base, suffix) + CLEANED_SUFFIX);
    if (fs.existsSync(index)) fs.renameSync(index, path.join(dir, segmentFileName(m.base, suffix)));
  }
  fs.rmSync(path.join(dir, SWAP_MANIFEST), { force: true });
}

/** Loader step 3: finish a committed swap, or discard the leftovers of an uncommitted one. */
export function completeInterruptedSwap(dir: string): void {
  fs.rmSync(path.join(dir, SWAP_MANIFEST + '.tmp'), { force: true });
  fs.rmSync(path.join(dir, SCRATCH_DIR), { recursive: true, force: true });
  const manifestPath = path.join(dir, SWAP_MANIFEST);
  if (fs.existsSync(manifestPath)) {
    let m: SwapManifest | null = null;
    try {
      const v = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as SwapManifest;
      if (Number.isSafeInteger(v.base) && Array.isArray(v.replaced) && v.replaced.every((b) => Number.isSafeInteger(b))) m = v;
    } catch {
      m = null;
    }
    if (m !== null) rollForward(dir, m);
    else fs.rmSync(manifestPath, { force: true });
  }
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(CLEANED_SUFFIX)) fs.rmSync(path.join(dir, f), { force: true });
  }
}
