import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, levelFromEnv, LoggerOptionsError, toLogger } from '../../src/logging/logger.ts';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, lines: () => text.split('\n').filter((l) => l.length > 0) };
}

describe('createLogger', () => {
  it('writes JSON lines with level, message, fields and child bindings', () => {
    const out = capture();
    const log = createLogger({ format: 'json', level: 'info', destination: out.stream });
    log.child({ app: 'wordcount' }).child({ task: '0_1' }).warn('restore is slow', { restored: 10, total: 90 });
    log.debug('not written at info');
    const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'restore is slow', app: 'wordcount', task: '0_1', restored: 10, total: 90 });
  });

  it('honours the level: below it nothing is written and isLevelEnabled says so', () => {
    const out = capture();
    const log = createLogger({ format: 'json', level: 'error', destination: out.stream });
    log.warn('hidden');
    log.error('shown');
    expect(out.lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
    expect(log.isLevelEnabled('warn')).toBe(false);
    expect(log.isLevelEnabled('error')).toBe(true);
  });

  it('pretty format is human text with the level name and the fields', () => {
    const out = capture();
    const log = createLogger({ format: 'pretty', level: 'info', destination: out.stream });
    log.child({ app: 'demo' }).info('restored 90/90 records', { store: 'counts' });
    const text = out.lines().join('\n');
    expect(text).toContain('INFO');
    expect(text).toContain('restored 90/90 records');
    expect(text).toContain('counts');
    expect(() => JSON.parse(out.lines()[0]!)).toThrow();
  });

  it('rejects bad options naming the field', () => {
    expect(() => createLogger({ level: 'loud' as never })).toThrow(LoggerOptionsError);
    expect(() => createLogger({ level: 'loud' as never })).toThrow(/level/);
    expect(() => createLogger({ format: 'xml' as never })).toThrow(/format/);
  });

  it('reads the level from the environment', () => {
    expect(levelFromEnv('info', { TRIBUTARY_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(levelFromEnv('info', { TRIBUTARY_DEBUG: '1' })).toBe('debug');
    expect(levelFromEnv('warn', {})).toBe('warn');
    expect(levelFromEnv('warn', { TRIBUTARY_LOG_LEVEL: 'nonsense' })).toBe('warn');
  });
});

describe('toLogger', () => {
  it('completes a partial logger: missing levels are silent, child bindings become fields', () => {
    const seen: Array<[string, unknown]> = [];
    const log = toLogger({ warn: (m: string, f?: unknown) => seen.push([m, f]) });
    log.info('dropped: no info method');
    log.child({ app: 'a' }).child({ task: '0_0' }).warn('late record', { lateness: 5 });
    log.warn('plain');
    expect(seen).toEqual([
      ['late record', { app: 'a', task: '0_0', lateness: 5 }],
      ['plain', undefined],
    ]);
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.isLevelEnabled('warn')).toBe(true);
  });

  it('never throws into the caller when the sink throws', () => {
    const log = toLogger({ error: () => { throw new Error('disk full'); } });
    expect(() => log.error('x')).not.toThrow();
  });

  it('returns a full logger unchanged', () => {
    const full = createLogger({ format: 'json', destination: new PassThrough() });
    expect(toLogger(full)).toBe(full);
  });
});
