// A naive reference model of a versioned key-value store (the semantics stated in
// src/streams/state/versioned/versioned-record.ts): per key, the full list of versions by
// timestamp, never pruned, with the grace check and the retention rule for asOf reads.
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
}
