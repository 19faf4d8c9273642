/*
 * The one structured logger of Tributary: the broker, the client and the streams runtime log
 * through this interface, never through console.*.
 *
 *   logger.warn('restore is slow', { store: 'counts', restored: 10, total: 90 })
 *   const taskLog = logger.child({ app: 'wordcount', thread: 'wordcount-1', task: '0_3' })
 *
 * A line is a message plus fields; child loggers add fields (app / thread / task ids) to every
 * line they write. The default implementation is pino (createLogger): JSON lines, or pino-pretty's
 * human format, written synchronously to stderr so that nothing is lost when a process exits.
 * Any object with these methods can be passed as a `logger` option instead (tests collect lines
 * in memory; an application can adapt its own logger). `fromPino` adapts an existing pino logger.
 *
 * Levels, lowest first: trace < debug < info < warn < error; 'silent' writes nothing.
 * Invariant: a logger never throws into its caller — a failing destination is its own problem.
 */
import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';

// pino and pino-pretty load on first use (a broker or app that never logs never pays for them;
// pino-pretty only for the pretty format). Both are CommonJS, so a synchronous require works.
const loadCjs = createRequire(import.meta.url);

export const LogLevels = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LogLevels)[number];

export const LogFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof LogFormats)[number];

/** Structured context of a line; values should be JSON-serialisable. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line (app, thread, task ids). */
  child(bindings: LogFields): Logger;
  /** Whether a line at `level` would be written (skip building expensive fields when not). */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

export interface LoggerOptions {
  /** Lowest level written; default TRIBUTARY_LOG_LEVEL, else 'info'. */
  level?: LogLevel;
  /** 'json' (one object per line) or 'pretty'; default TRIBUTARY_LOG_FORMAT, else pretty on a TTY, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go; default stderr. */
  destination?: NodeJS.WritableStream;
  /** Fields on every line (e.g. { name: 'broker' }). */
  base?: LogFields;
}

/** The problems of `options`, one line each naming the field (empty when valid). */
function optionProblems(options: LoggerOptions): string[] {
  const problems: string[] = [];
  const known = new Set(['level', 'format', 'destination', 'base']);
  for (const key of Object.keys(options)) if (!known.has(key)) problems.push(`${key}: unknown option (known: ${[...known].join(', ')})`);
  if (options.level !== undefined && !LogLevels.includes(options.level)) problems.push(`level: must be one of ${LogLevels.join(', ')} (got ${JSON.stringify(options.level)})`);
  if (options.format !== undefined && !LogFormats.includes(options.format)) problems.push(`format: must be one of ${LogFormats.join(', ')} (got ${JSON.stringify(options.format)})`);
  const d = options.destination as { write?: unknown } | undefined;
  if (d !== undefined && (typeof d !== 'object' || d === null || typeof d.write !== 'function')) problems.push('destination: must be a writable stream');
  if (options.base !== undefined && (typeof options.base !== 'object' || options.base === null)) problems.push('base: must be an object of fields');
  return problems;
}

export class LoggerOptionsError extends Error {
  override readonly name = 'LoggerOptionsError';
}

/** The level named by TRIBUTARY_LOG_LEVEL (TRIBUTARY_DEBUG=1 means 'debug'), or `fallback`. */
export function levelFromEnv(fallback: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const named = env['TRIBUTARY_LOG_LEVEL']?.trim().toLowerCase();
  const found = LogLevels.find((l) => l === named);
  if (found !== undefined) return found;
  if (env['TRIBUTARY_DEBUG']) return 'debug';
  return fallback;
}

function formatFromEnv(destination: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const named = env['TRIBUTARY_LOG_FORMAT']?.trim().toLowerCase();
  const found = LogFormats.find((f) => f === named);
  if (found !== undefined) return found;
  return (destination as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

/** A pino-backed Logger; throws LoggerOptionsError naming the bad field. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const problems = optionProblems(options);
  if (problems.length > 0) throw new LoggerOptionsError(`invalid logger options:\n  ${problems.join('\n  ')}`);
  const destination = options.destination ?? process.stderr;
  const level = options.level ?? levelFromEnv('info');
  const format = options.format ?? formatFromEnv(destination);
  const stream =
    format === 'pretty'
      ? (loadCjs('pino-pretty') as typeof import('pino-pretty'))({ destination, sync: true, colorize: (destination as { isTTY?: boolean }).isTTY === true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' })
      : destination;
  // base: no pid/hostname noise by default; the caller's fields instead.
  const { pino } = loadCjs('pino') as typeof import('pino');
  return fromPino(pino({ level, base: options.base ?? null }, stream));
}

/** Adapts a pino logger (the caller's own, configured as they like) to the Logger interface. */
export function fromPino(p: PinoLogger): Logger {
  const write = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    try {
      if (fields === undefined) p[level](message);
      else p[level](fields as object, message);
    } catch {
      // A logger never throws into its caller (see the file comment).
    }
  };
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (bindings) => fromPino(p.child(bindings as object)),
    isLevelEnabled: (level) => p.isLevelEnabled(level),
  };
}

/** Writes nothing (tests, benchmarks). */
export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

let shared: Logger | undefined;
const shared_ = (): Logger => (shared ??= createLogger({ level: levelFromEnv('warn') }));

/**
 * The process-wide default, used wherever no `logger` option is given: stderr, warnings and
 * above unless TRIBUTARY_LOG_LEVEL (or TRIBUTARY_DEBUG) asks for more, format from
 * TRIBUTARY_LOG_FORMAT. The pino instance is created on first use, so importing Tributary opens
 * nothing.
 */
export const processLogger: Logger = {
  trace: (m, f) => shared_().trace(m, f),
  debug: (m, f) => shared_().debug(m, f),
  info: (m, f) => shared_().info(m, f),
  warn: (m, f) => shared_().warn(m, f),
  error: (m, f) => shared_().error(m, f),
  child: (bindings) => shared_().child(bindings),
  isLevelEnabled: (level) => shared_().isLevelEnabled(level),
};

/** What a `logger` option accepts: a full Logger, or any object with some of its level methods. */
export type LoggerLike = Partial<Logger>;

/**
 * A full Logger from a partial one (an application's `{ warn, error }`, the older StreamsLogger
 * and BrokerLogger shapes): missing levels write nothing; child() passes its bindings as the
 * fields argument merged with each line's own. undefined → processLogger.
 */
export function toLogger(like: LoggerLike | undefined): Logger {
  if (like === undefined) return processLogger;
  if (isFull(like)) return like;
  return wrapPartial(like, undefined);
}

function isFull(l: LoggerLike): l is Logger {
  return LEVEL_METHODS.every((m) => typeof l[m] === 'function') && typeof l.child === 'function' && typeof l.isLevelEnabled === 'function';
}

const LEVEL_METHODS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

function wrapPartial(like: LoggerLike, bindings: LogFields | undefined): Logger {
  const method = (level: (typeof LEVEL_METHODS)[number]) => {
    const fn = like[level];
    if (typeof fn !== 'function') return () => {};
    return (message: string, fields?: LogFields) => {
      const merged = bindings === undefined ? fields : { ...bindings, ...fields };
      try {
        if (merged === undefined) fn.call(like, message);
        else fn.call(like, message, merged);
      } catch {
        // A logger never throws into its caller.
      }
    };
  };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (more) => wrapPartial(like, { ...bindings, ...more }),
    isLevelEnabled: (level) => typeof like[level] === 'function',
  };
}
