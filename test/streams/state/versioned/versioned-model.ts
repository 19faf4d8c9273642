// A naive reference model of a versioned key-value store (the semantics stated in
// src/streams/state/versioned/versioned-record.ts): per key, the full list of versions by
// timestamp, never pruned, with the grace check and the retention rule for asOf reads.
import type { VersionsRange } from '../../../../src/streams/state/versioned/versioned-queries.ts';
import { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED, type VersionedRecord } from '../../../../src/streams/state/versioned/versioned-record.ts';

interface Version {
  ts: number;
  value: string | null;
}

export class VersionedModel {
  observed = -1;
  readonly versions = new Map<string, Version[]>();

  constructor(readonly historyRetentionMs: number) {}

  put(key: string, value: string | null, ts: number): number {
    if (ts < this.observed - this.historyRetentionMs) return PUT_RETURN_CODE_NOT_PUT;
    this.observed = Math.max(this.observed, ts);
    const list = this.versions.get(key) ?? [];
    this.versions.set(key, list);
    let i = list.findIndex((v) => v.ts >= ts);
    if (i < 0) i = list.length;
    if (list[i]?.ts === ts) list[i] = { ts, value };
    else list.splice(i, 0, { ts, value });
    return list[i + 1]?.ts ?? PUT_RETURN_CODE_VALID_TO_UNDEFINED;
  }

  delete(key: string, ts: number): VersionedRecord<string> | null {
    if (ts < this.observed - this.historyRetentionMs) return null;
    const existing = this.get(key, ts);
    this.put(key, null, ts);
    return existing;
  }

  get(key: string, asOf?: number): VersionedRecord<string> | null {
    const list = this.versions.get(key) ?? [];
    const latest = list[list.length - 1];
    if (asOf === undefined) return latest === undefined || latest.value === null ? null : { value: latest.value, timestamp: latest.ts };
    if (latest !== undefined && latest.ts <= asOf) return latest.value === null ? null : { value: latest.value, timestamp: latest.ts };
    if (asOf < this.observed - this.historyRetentionMs) return null;
    let j = -1;
    while (j + 1 < list.length && list[j + 1]!.ts <= asOf) j++;
    const found = list[j];
    if (found === undefined || found.value === null) return null;
    return { value: found.value, timestamp: found.ts, validTo: list[j + 1]!.ts };
  }

  /**
   * MultiVersionedKeyQuery by definition: the versions get(key, t) answers for some t in
   * [from, to], each once, by validFrom (descending unless ascending is asked).
   */
  getVersions(key: string, range: VersionsRange = {}): Array<VersionedRecord<string>> {
    const list = this.versions.get(key) ?? [];
    const from = range.fromTime ?? -Infinity;
    const to = range.toTime ?? Infinity;
    const floor = this.observed - this.historyRetentionMs;
    const out: Array<VersionedRecord<string>> = [];
    list.forEach((v, j) => {
      const next = list[j + 1];
      const validTo = next?.ts ?? Infinity;
      if (v.value === null || v.ts > to || validTo <= from) return;
      // some instant t in [from, to] ∩ [v.ts, validTo) where get(key, t) answers with v
      const visible = next === undefined || (to >= floor && validTo > floor);
      if (!visible) return;
      out.push(next === undefined ? { value: v.value, timestamp: v.ts } : { value: v.value, timestamp: v.ts, validTo });
    });
    return range.order === 'ascending' ? out : out.reverse();
  }
}
