/*
 * The peer child's report line → a WorkloadResult row (benchmarks/peers/peer-report.ts). Pure:
 * no peer, no broker. What a reader of the table relies on: the rate uses the child's clock, a
 * short or failed run says so in its note, and RSS / ack figures land in metrics.
 */
import { describe, expect, it } from 'vitest';
import { parsePeerReport, peerResult, type PeerReport } from '../../../benchmarks/peers/peer-report.ts';

const sink: PeerReport = {
  workload: 'sink',
  records: 1000,
  bytes: 1000 * 1028,
  seconds: 0.5,
  ackedRecords: 1000,
  ackedSeconds: 0.8,
  countSum: undefined,
  distinctKeys: undefined,
  cpuSeconds: 1.25,
  peakRssMb: 300,
  endRssMb: 290,
  errors: 0,
  firstError: undefined,
  timedOut: false,
};

describe('parsePeerReport', () => {
  it('takes the last JSON report line and ignores other output', () => {
    const out = ['some library log', JSON.stringify({ ...sink, records: 1 }), 'noise {', JSON.stringify(sink), ''].join('\n');
    expect(parsePeerReport(out)).toEqual(sink);
  });

  it('reads absent optional fields as undefined', () => {
    const line = JSON.stringify({ workload: 'count', records: 5, bytes: 10, seconds: 1, ackedRecords: 0, peakRssMb: 1, endRssMb: 1, errors: 0, countSum: 5, distinctKeys: 3, timedOut: false });
    const r = parsePeerReport(line);
    expect(r.ackedSeconds).toBeUndefined();
    expect(r.firstError).toBeUndefined();
    expect(r.cpuSeconds).toBeUndefined();
    expect(r.countSum).toBe(5);
  });

  it('rejects output without a report, quoting it', () => {
    expect(() => parsePeerReport('Segmentation fault\n')).toThrow(/no report line.*Segmentation fault/);
  });

  it('rejects a report with a missing number, naming the field', () => {
    const { seconds: _omit, ...rest } = sink;
    expect(() => parsePeerReport(JSON.stringify(rest))).toThrow(/seconds/);
  });
});

describe('peerResult', () => {
  it('rates the sink by the seen clock and puts acks and RSS in metrics', () => {
    const r = peerResult('w', 1000, sink, 60_000);
    expect(r.recordsPerSec).toBe(2000);
    expect(r.mbPerSec).toBeCloseTo((1000 * 1028) / 1e6 / 0.5);
    expect(r.metrics).toMatchObject({ peakRssMb: 300, endRssMb: 290, peerCpuSec: 1.25, ackedSeconds: 0.8, ackedRecordsPerSec: 1250 });
    expect(r.note).toMatch(/N-th record seen/);
    expect(r.note).not.toMatch(/only|timed out|errors/);
  });

  it('says when a run fell short, timed out or saw errors', () => {
    const r = peerResult('w', 1000, { ...sink, records: 600, ackedRecords: 500, timedOut: true, errors: 2, firstError: 'Local: Queue full' }, 60_000);
    expect(r.records).toBe(600);
    expect(r.note).toMatch(/only 500 of 1000 sink records acknowledged/);
    expect(r.note).toMatch(/only 600 of 1000 records/);
    expect(r.note).toMatch(/timed out after 60000 ms/);
    expect(r.note).toMatch(/2 client errors, first: Local: Queue full/);
    expect(r.metrics?.errors).toBe(2);
  });

  it('flags a count whose per-key counts do not add up to the records counted', () => {
    const count: PeerReport = { ...sink, workload: 'count', ackedSeconds: undefined, ackedRecords: 0, countSum: 999, distinctKeys: 700 };
    const r = peerResult('w', 1000, count, 60_000);
    expect(r.metrics).toMatchObject({ distinctKeys: 700 });
    expect(r.metrics?.ackedSeconds).toBeUndefined();
    expect(r.note).toMatch(/counts add up to 999, not 1000/);
  });

  it('returns a failed row when nothing was processed', () => {
    const r = peerResult('w', 1000, { ...sink, records: 0, seconds: 0, timedOut: true, firstError: 'Broker: Coordinator not available' }, 5000);
    expect(r.recordsPerSec).toBe(0);
    expect(r.note).toMatch(/timed out after 5000 ms with no record processed; first error: Broker: Coordinator not available/);
  });

  it('reads an async report: rate by the N-th record out of the operator, steady rate from the first one out', () => {
    const line = JSON.stringify({ ...sink, workload: 'async', ackedSeconds: undefined, seconds: 6, firstOutSeconds: 1.005, concurrency: '1' });
    const report = parsePeerReport(line);
    expect(report.workload).toBe('async');
    const r = peerResult('w', 1000, report, 60_000);
    expect(r.recordsPerSec).toBeCloseTo(1000 / 6);
    expect(r.metrics).toMatchObject({ steadyRecordsPerSec: 200 });
    expect(r.note).toMatch(/N-th record out of the async operator/);
  });
});
