/*
 * A progress line on stderr for long CLI runs (`produce`, `consume`): records and bytes so far,
 * the rate, and — when the total is known — percent done and ETA.
 *
 *   Consumed 1,204,000 records, 118.2 MiB · 84,310 rec/s, 8.3 MiB/s · 60% · ETA 9s
 *
 * Shown only on a terminal: the line is redrawn in place with \r at most every `intervalMs`
 * (250 ms), and only once the run has lasted `delayMs` (1 s), so short runs print nothing extra.
 * When stderr is not a TTY (CI logs, `2> file`) it prints nothing, like kcat and Kafka's console
 * tools, whose stderr holds just the final summary. `finish()` erases the line, so the command's
 * summary starts on a clean line. stdout is never written.
 *
 * Time comes from `now` so tests drive it with a fake clock.
 */

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Verb that starts the line: "Produced", "Consumed". */
  verb: string;
  out: ProgressOutput;
  /** Known total, for percent and ETA: counted in records or in bytes. */
  total?: { unit: 'records' | 'bytes'; value: number };
  /** false (`--no-progress`) turns the line off. */
  enabled?: boolean;
  now?: () => number;
  intervalMs?: number;
  delayMs?: number;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; 512 → "512 B". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${UNITS[u]}`;
}

/** Seconds as "42s", "3m05s", "2h07m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class Progress {
  records = 0;
  bytes = 0;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly active: boolean;
  private readonly intervalMs: number;
  private readonly delayMs: number;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private drawnWidth = 0;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.active = (opts.enabled ?? true) && opts.out.isTTY === true;
    this.intervalMs = opts.intervalMs ?? 250;
    this.delayMs = opts.delayMs ?? 1000;
  }

  /** Counts `records` more records of `bytes` bytes, redrawing the line when it is due. */
  add(records: number, bytes: number): void {
    this.records += records;
    this.bytes += bytes;
    this.tick();
  }

  /** Redraws the line if it is shown and due (also callable from a timer while input stalls). */
  tick(): void {
    if (!this.active) return;
    const t = this.now();
    if (t - this.startedAt < this.delayMs || t - this.lastDrawAt < this.intervalMs) return;
    this.lastDrawAt = t;
    const line = this.line(t);
    this.opts.out.write(`\r${line.padEnd(this.drawnWidth)}`);
    this.drawnWidth = line.length;
  }

  /** The progress text at time `t` (no \r). */
  line(t = this.now()): string {
    const secs = Math.max((t - this.startedAt) / 1000, 0.001);
    const recRate = this.records / secs;
    const byteRate = this.bytes / secs;
    let text = `${this.opts.verb} ${this.records.toLocaleString('en-US')} record${this.records === 1 ? '' : 's'}, ${formatSize(this.bytes)}`;
    text += ` · ${Math.round(recRate).toLocaleString('en-US')} rec/s, ${formatSize(Math.round(byteRate))}/s`;
    const total = this.opts.total;
    if (total !== undefined && total.value > 0) {
      const done = total.unit === 'records' ? this.records : this.bytes;
      const rate = total.unit === 'records' ? recRate : byteRate;
      text += ` · ${Math.min(100, Math.floor((done / total.value) * 100))}%`;
      if (rate > 0 && done < total.value) text += ` · ETA ${formatDuration((total.value - done) / rate)}`;
    }
    return text;
  }

  /** Erases the line if one was drawn; the caller's summary then starts on a clean line. */
  finish(): void {
    if (this.drawnWidth === 0) return;
    this.opts.out.write(`\r${' '.repeat(this.drawnWidth)}\r`);
    this.drawnWidth = 0;
  }
}
