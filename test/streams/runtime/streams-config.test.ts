// Config validation: defaults, normalisation, and errors that name the field and the value.
import { describe, expect, it } from 'vitest';
import { parseStreamsConfig, StreamsConfigError } from '../../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { ProcessingHandlers } from '../../../src/streams/errors/processing-exception-handler.ts';

describe('parseStreamsConfig', () => {
  it('fills Kafka Streams defaults and splits bootstrap lists', () => {
    const c = parseStreamsConfig({ applicationId: 'app-1', bootstrapServers: 'a:9092, b:9093' });
    expect(c.bootstrapServers).toEqual(['a:9092', 'b:9093']);
    expect(c.commitIntervalMs).toBe(30_000);
    expect(c.processingGuarantee).toBe('at_least_once');
    expect(c.cacheMaxBytes).toBe(10 * 1024 * 1024);
    expect(c.numStandbyReplicas).toBe(0);
    expect(c.numStreamThreads).toBe(1);
    expect(c.stateDir).toBe('.tributary/state');
    expect(c.metadataMaxAgeMs).toBe(300_000);
    expect(c.maxBlockMs).toBe(60_000);
  });

  it('validates metadataMaxAgeMs and maxBlockMs, naming the field', () => {
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', metadataMaxAgeMs: 0 })).toThrow(/metadataMaxAgeMs: .*>=1.*\(got 0\)/);
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', maxBlockMs: -1 })).toThrow(/maxBlockMs: .*>=0.*\(got -1\)/);
  });

  it('defaults to cooperative rebalancing with Kafka\'s KIP-441 settings, and names a bad value', () => {
    const c = parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1' });
    expect([c.rebalanceProtocol, c.maxWarmupReplicas, c.probingRebalanceIntervalMs]).toEqual(['cooperative', 2, 600_000]);
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', rebalanceProtocol: 'eager' }).rebalanceProtocol).toBe('eager');
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', rebalanceProtocol: 'sticky' as 'eager' })).toThrow(/rebalanceProtocol: must be "cooperative".*\(got "sticky"\)/);
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', probingRebalanceIntervalMs: 1000 })).toThrow(/probingRebalanceIntervalMs: .*>=60000.*\(got 1000\)/);
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', maxWarmupReplicas: 0 })).toThrow(/maxWarmupReplicas: .*>=1/);
  });

  it('throttles outer-join results once per second by default, as Kafka, and names a bad interval', () => {
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1' }).outerJoinEmitIntervalMs).toBe(1000);
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', outerJoinEmitIntervalMs: 0 }).outerJoinEmitIntervalMs).toBe(0);
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'h:1', outerJoinEmitIntervalMs: -1 })).toThrow(/outerJoinEmitIntervalMs: .*>=0.*\(got -1\)/);
  });

  it('takes the deprecated cache.max.bytes.buffering alias only when cacheMaxBytes is absent, and names it when invalid', () => {
    const base = { applicationId: 'a', bootstrapServers: 'h:1' };
    expect(parseStreamsConfig({ ...base, cacheMaxBytesBuffering: 0 }).cacheMaxBytes).toBe(0);
    expect(parseStreamsConfig({ ...base, cacheMaxBytesBuffering: 5, cacheMaxBytes: 7 }).cacheMaxBytes).toBe(7);
    expect('cacheMaxBytesBuffering' in parseStreamsConfig({ ...base, cacheMaxBytesBuffering: 5 })).toBe(false);
    expect(() => parseStreamsConfig({ ...base, cacheMaxBytesBuffering: -1 })).toThrow(/cacheMaxBytesBuffering: .*got -1/);
  });

  it('takes a processing exception handler for async operators and names the field when it is not one', () => {
    const base = { applicationId: 'a', bootstrapServers: 'h:1' };
    const handler = ProcessingHandlers.logAndContinue();
    expect(parseStreamsConfig({ ...base, processingExceptionHandler: handler }).processingExceptionHandler).toBe(handler);
    expect(() => parseStreamsConfig({ ...base, processingExceptionHandler: 'logAndContinue' as never })).toThrow(/processingExceptionHandler: .*ProcessingHandlers/);
  });

  it('defaults the commit interval to 100 ms under exactly_once_v2, as Kafka Streams, unless set', () => {
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'a:1', processingGuarantee: 'exactly_once_v2' }).commitIntervalMs).toBe(100);
    expect(parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'a:1', processingGuarantee: 'exactly_once_v2', commitIntervalMs: 250 }).commitIntervalMs).toBe(250);
  });

  it('accepts embedded mode, serdes and an application server', () => {
    const c = parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded', defaultKeySerde: Serdes.string(), applicationServer: 'localhost:8080' });
    expect(c.bootstrapServers).toBe('embedded');
    expect(c.applicationServer).toEqual({ host: 'localhost', port: 8080 });
    expect(c.defaultKeySerde?.name).toBe(Serdes.string().name);
  });

  it('names every bad field with the value given', () => {
    let err: unknown;
    try {
      parseStreamsConfig({ applicationId: '', bootstrapServers: 'nohostport', numStandbyReplicas: -1, numStreamThreads: 0, defaultValueSerde: {} as never });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StreamsConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/applicationId: must not be empty \(got ""\)/);
    expect(msg).toMatch(/bootstrapServers/);
    expect(msg).toMatch(/numStandbyReplicas: .*\(got -1\)/);
    expect(msg).toMatch(/numStreamThreads: .*\(got 0\)/);
    expect(msg).toMatch(/defaultValueSerde: must be a Serde/);
  });

  it('rejects unknown fields and heartbeat >= session timeout', () => {
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded', comitIntervalMs: 5 } as never)).toThrow(/comitIntervalMs/);
    expect(() => parseStreamsConfig({ applicationId: 'a', bootstrapServers: 'embedded', sessionTimeoutMs: 2000, heartbeatIntervalMs: 3000 })).toThrow(
      /heartbeatIntervalMs: must be lower than sessionTimeoutMs/,
    );
  });
});
