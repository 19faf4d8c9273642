/*
 * CLI option parsing: every bad value is a CliError naming the flag and the value; good values
 * parse to what the commands expect.
 */
import { describe, expect, it } from 'vitest';
import { CliError, reportError } from '../../src/cli/cli-errors.ts';
import { acksArg, bootstrapArg, configPair, parseInteger, unescapeSeparator } from '../../src/cli/option-parsers.ts';
import { lineToRecord } from '../../src/cli/commands/produce.ts';
import { KafkaResponseError } from '../../src/client/errors.ts';

describe('CLI option parsers', () => {
  it('parses integers within bounds and names the flag otherwise', () => {
    expect(parseInteger('--port', '9092', 0, 65535)).toBe(9092);
    for (const bad of ['abc', '1.5', '', '70000', '-1']) {
      expect(() => parseInteger('--port', bad, 0, 65535)).toThrow(CliError);
      expect(() => parseInteger('--port', bad, 0, 65535)).toThrow(/--port/);
    }
  });

  it('validates bootstrap addresses', () => {
    expect(bootstrapArg(' a:1 , b:9092 ')).toBe('a:1,b:9092');
    expect(() => bootstrapArg('localhost')).toThrow(/HOST:PORT/);
    expect(() => bootstrapArg('h:0')).toThrow(CliError);
    expect(() => bootstrapArg(',')).toThrow(CliError);
  });

  it('accepts the acks Kafka knows', () => {
    expect([acksArg('all'), acksArg('-1'), acksArg('1'), acksArg('0')]).toEqual([-1, -1, 1, 0]);
    expect(() => acksArg('2')).toThrow(/--acks/);
  });

  it('collects --config pairs and rejects ones without a key', () => {
    expect(configPair('b=2', configPair('a=1=x'))).toEqual({ a: '1=x', b: '2' });
    expect(() => configPair('novalue')).toThrow(/key=value/);
    expect(() => configPair('=x')).toThrow(CliError);
  });

  it('splits produce lines at the first separator', () => {
    expect(lineToRecord('k:v:w', 1, ':', undefined)).toEqual({ key: 'k', value: 'v:w' });
    expect(lineToRecord('k\tv', 1, unescapeSeparator('\\t'), 3)).toEqual({ key: 'k', value: 'v', partition: 3 });
    expect(lineToRecord('plain', 1, undefined, undefined)).toEqual({ key: null, value: 'plain' });
    expect(() => lineToRecord('nokey', 7, '|', undefined)).toThrow(/line 7/);
  });
});

describe('reportError', () => {
  const capture = (err: unknown): { code: number; text: string } => {
    let text = '';
    const code = reportError(err, { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream);
    return { code, text };
  };

  it('prints user errors as one line without a stack', () => {
    expect(capture(new CliError('bad thing'))).toEqual({ code: 1, text: 'error: bad thing\n' });
    const kafka = capture(new KafkaResponseError(36, 'creating topic "x"'));
    expect(kafka.code).toBe(1);
    expect(kafka.text).toMatch(/^error: creating topic "x": TOPIC_ALREADY_EXISTS \(Kafka error 36\)/);
    expect(kafka.text).not.toMatch(/\n\s+at /);
  });

  it('prints bugs with their stack and exit code 70', () => {
    const bug = capture(new TypeError('undefined is not a function'));
    expect(bug.code).toBe(70);
    expect(bug.text).toContain('internal error');
    expect(bug.text).toMatch(/\n\s+at /);
  });
});
