/*
 * The running Tributary applications, as the console knows them: the latest status record per
 * instance read from the compacted `__tributary_apps` topic (app-status-record.ts), straight
 * from the broker's partition log.
 *
 * refresh() reads only what was appended since the previous call (it keeps its next offset);
 * a tombstone removes the instance; a record that does not parse is skipped. When the topic is
 * deleted and created again (a new topic id) it starts over. apps(now) leaves out instances
 * whose record is older than its TTL (an instance that died without its tombstone).
 */
import type { Broker } from '../broker/broker.ts';
import { APP_STATUS_TOPIC, parseAppStatus, type AppStatusRecord } from './app-status-record.ts';
import { readRecords } from './partition-reader.ts';

const MAX_RECORDS_PER_REFRESH = 10_000;

export interface AppView {
  readonly applicationId: string;
  readonly instances: readonly AppStatusRecord[];
  /** Sum of the instances' process-rate (records/s). */
  readonly processRate: number;
  readonly processedTotal: number;
  readonly totalLag: number;
}

export class AppDirectory {
  readonly #broker: Broker;
  readonly #latest = new Map<string, AppStatusRecord>();
  #topicId: string | undefined;
  #next = 0;
  #refreshing: Promise<void> | undefined;

  constructor(broker: Broker) {
    this.#broker = broker;
  }

  /** Reads what is new in the topic; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#read().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #read(): Promise<void> {
    const info = this.#broker.topic(APP_STATUS_TOPIC);
    if (info?.topicId !== this.#topicId) {
      this.#latest.clear();
      this.#next = 0;
      this.#topicId = info?.topicId;
    }
    const log = this.#broker.partitions.get(APP_STATUS_TOPIC, 0);
    if (info === undefined || log === undefined) return;
    for (;;) {
      const { records, next, highWatermark } = await readRecords(log, this.#next, MAX_RECORDS_PER_REFRESH);
      for (const r of records) {
        const key = r.key?.toString('utf8');
        if (key === undefined) continue;
        const status = r.value === null ? undefined : parseAppStatus(r.value);
        if (status === undefined) this.#latest.delete(key);
        else this.#latest.set(key, status);
      }
      this.#next = next;
      if (records.length < MAX_RECORDS_PER_REFRESH || next >= highWatermark) return;
    }
  }

  /** Current instances grouped by application, sorted by application id then process id. */
  apps(now: number): AppView[] {
    const byApp = new Map<string, AppStatusRecord[]>();
    for (const s of this.#latest.values()) {
      if (s.updatedMs + s.ttlMs < now) continue;
      const list = byApp.get(s.applicationId) ?? [];
      list.push(s);
      byApp.set(s.applicationId, list);
    }
    return [...byApp.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([applicationId, list]) => {
        const instances = list.sort((a, b) => (a.processId < b.processId ? -1 : 1));
        return {
          applicationId,
          instances,
          processRate: instances.reduce((n, i) => n + (i.rates.processRate ?? 0), 0),
          processedTotal: instances.reduce((n, i) => n + i.processedTotal, 0),
          totalLag: instances.reduce((n, i) => n + i.lag.reduce((m, l) => m + l.lag, 0), 0),
        };
      });
  }
}
