/*
 * Parsers for CLI option values, shared by every command. Each throws a CliError naming the
 * option and the offending value, so `--partitions abc` reads "--partitions must be an integer
 * ≥ 1, got "abc"" rather than a NaN surfacing later.
 */
import { CliError } from './cli-errors.ts';

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

export function parseInteger(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new CliError(`${flag} must be an integer ≥ ${min}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new CliError(`${flag} must be between ${min} and ${max}, got ${raw}`);
  return n;
}

/** commander argParser that validates an integer option: `.argParser(intArg('--port', 0, 65535))`. */
export function intArg(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => parseInteger(flag, raw, min, max);
}

/** Splits `key=value` at the first '=' (the key must not be empty); the error names the flag. */
function splitPair(flag: string, raw: string, example: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new CliError(`${flag} expects key=value (for example ${example}), got "${raw}"`);
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

/** Collects repeated `--config k=v` options into a record (both sides trimmed). */
export function configPair(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, value] = splitPair('--config', raw, 'retention.ms=86400000');
  return { ...previous, [key.trim()]: value.trim() };
}

/** Collects repeated `--header k=v` options (the value kept as typed, spaces included). */
export function headerPair(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, value] = splitPair('--header', raw, 'source=cli');
  return { ...previous, [key]: value };
}

/** Validates a `host:port` list ("a:9092,b:9092") and returns it trimmed. */
export function bootstrapArg(raw: string): string {
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new CliError('--bootstrap-server needs at least one HOST:PORT');
  for (const p of parts) {
    const m = /^(.+):(\d+)$/.exec(p);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new CliError(`--bootstrap-server expects HOST:PORT[,HOST:PORT…], got "${p}"`);
    }
  }
  return parts.join(',');
}

/** Acks accepted by Kafka: 0 (no response), 1 (leader) and -1 / all (all in-sync replicas). */
export function acksArg(raw: string): -1 | 0 | 1 {
  if (raw === 'all' || raw === '-1') return -1;
  if (raw === '0') return 0;
  if (raw === '1') return 1;
  throw new CliError(`--acks must be 0, 1, -1 or all, got "${raw}"`);
}

/** Interprets backslash escapes so `--key-separator '\t'` means a tab. */
export function unescapeSeparator(raw: string): string {
  return raw.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
}
