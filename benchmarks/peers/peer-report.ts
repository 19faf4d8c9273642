/*
 * The line a peer child process (benchmarks/peers/nodefluent/peer.js) prints when its workload
 * ends, and how it becomes a WorkloadResult row. Pure (no I/O) so it has a unit test
 * (test/benchmarks/peers/peer-report.test.ts).
 *
 * The child prints exactly one JSON object on one stdout line (see the comment at the top of
 * peer.js); anything else on stdout (a library that logs there) is ignored, and the LAST line
 * that parses as such an object wins. Times are the child's own clock, in seconds from just
 * before KStream.start().
 *
 * Row semantics:
 *  - records/s = records / seconds, the child's primary clock (sink: the N-th record seen after
 *    the source, as SimpleBenchmark; count: the N-th record out of countByKey).
 *  - metrics: peakRssMb / endRssMb / peerCpuSec of the peer process; for sink also ackedSeconds and
 *    ackedRecordsPerSec (all sink records acknowledged); for count distinctKeys; errors when > 0.
 *  - note: a timeout, errors, a count that does not add up, and which clock the rate uses.
 */
import { result, type WorkloadResult } from '../lib/results.ts';
import { failedResult } from '../lib/suite.ts';

export interface PeerReport {
  readonly workload: 'sink' | 'count' | 'async';
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly ackedRecords: number;
  readonly ackedSeconds: number | undefined;
  readonly countSum: number | undefined;
  readonly distinctKeys: number | undefined;
  /** User + system CPU of the peer process over its whole life (undefined from an older peer.js). */
  readonly cpuSeconds: number | undefined;
  /** async: seconds to the first record out of the async operator (steady rate = first to N-th). */
  readonly firstOutSeconds?: number | undefined;
  readonly peakRssMb: number;
  readonly endRssMb: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly timedOut: boolean;
}

function num(o: Record<string, unknown>, k: string, line: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`peer report: field ${k} must be a finite number, got ${JSON.stringify(v)} in ${line}`);
  return v;
}

function optNum(o: Record<string, unknown>, k: string, line: string): number | undefined {
  return o[k] === undefined || o[k] === null ? undefined : num(o, k, line);
}

/** The report from the child's whole stdout; throws, quoting the output, when there is none. */
export function parsePeerReport(stdout: string): PeerReport {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{') && l.endsWith('}'));
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof o !== 'object' || o === null || !('workload' in o)) continue;
    const r = o as Record<string, unknown>;
    if (r.workload !== 'sink' && r.workload !== 'count' && r.workload !== 'async') throw new Error(`peer report: workload must be sink, count or async, got ${JSON.stringify(r.workload)}`);
    return {
      workload: r.workload,
      records: num(r, 'records', line),
      bytes: num(r, 'bytes', line),
      seconds: num(r, 'seconds', line),
      ackedRecords: num(r, 'ackedRecords', line),
      ackedSeconds: optNum(r, 'ackedSeconds', line),
      countSum: optNum(r, 'countSum', line),
      distinctKeys: optNum(r, 'distinctKeys', line),
      cpuSeconds: optNum(r, 'cpuSeconds', line),
      firstOutSeconds: optNum(r, 'firstOutSeconds', line),
      peakRssMb: num(r, 'peakRssMb', line),
      endRssMb: num(r, 'endRssMb', line),
      errors: num(r, 'errors', line),
      firstError: typeof r.firstError === 'string' ? r.firstError : undefined,
      timedOut: r.timedOut === true,
    };
  }
  throw new Error(`peer printed no report line; its stdout was: ${JSON.stringify(stdout.slice(-500))}`);
}

/** The result row for one run of a peer workload that asked for `expected` records. */
export function peerResult(workload: string, expected: number, r: PeerReport, maxWaitMs: number): WorkloadResult {
  if (r.records === 0 || !(r.seconds > 0)) {
    const why = r.timedOut ? `timed out after ${maxWaitMs} ms with no record processed` : 'the peer processed no record';
    return failedResult(workload, r.firstError === undefined ? why : `${why}; first error: ${r.firstError}`);
  }
  const notes: string[] = [];
  const metrics: Record<string, number> = { peakRssMb: r.peakRssMb, endRssMb: r.endRssMb };
  if (r.cpuSeconds !== undefined) metrics.peerCpuSec = r.cpuSeconds;
  if (r.workload === 'sink') {
    notes.push('clock stops at the N-th record seen after the source (as SimpleBenchmark); ackedSeconds = all sink records acknowledged');
    if (r.ackedSeconds !== undefined && r.ackedRecords > 0) {
      metrics.ackedSeconds = Math.round(r.ackedSeconds * 1000) / 1000;
      metrics.ackedRecordsPerSec = Math.round(r.ackedRecords / r.ackedSeconds);
    }
    if (r.ackedRecords < expected) notes.push(`only ${r.ackedRecords} of ${expected} sink records acknowledged`);
  } else if (r.workload === 'async') {
    notes.push('clock stops at the N-th record out of the async operator (as the async suite)');
    if (r.firstOutSeconds !== undefined && r.seconds > r.firstOutSeconds && r.records > 1) metrics.steadyRecordsPerSec = Math.round((r.records - 1) / (r.seconds - r.firstOutSeconds));
  } else {
    notes.push('clock stops at the N-th record out of countByKey (in-memory KStorage)');
    if (r.distinctKeys !== undefined) metrics.distinctKeys = r.distinctKeys;
    if (r.countSum !== undefined && r.countSum !== r.records) notes.push(`counts add up to ${r.countSum}, not ${r.records}`);
  }
  if (r.records < expected) notes.push(`only ${r.records} of ${expected} records`);
  if (r.timedOut) notes.push(`timed out after ${maxWaitMs} ms`);
  if (r.errors > 0) {
    metrics.errors = r.errors;
    notes.push(`${r.errors} client errors, first: ${r.firstError ?? '?'}`);
  }
  return result(workload, r.records, r.bytes, r.seconds, { metrics, note: notes.join('; ') });
}
