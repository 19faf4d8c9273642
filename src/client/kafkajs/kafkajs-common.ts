/*
 * What every kafkajs-backed client shares: building a kafkajs `Kafka` instance from our
 * ClientConfig, and converting records between kafkajs' shapes and ours. The only module (with the
 * other files of this folder) that imports kafkajs — nothing outside src/client/kafkajs/ may.
 *
 * Conversions:
 *  - kafkajs carries offsets as decimal strings and timestamps as strings; ours are numbers.
 *  - kafkajs headers may be string | Buffer | array; ours are one Buffer per key (the last value
 *    wins for repeated keys), so a consumer always sees bytes.
 */
import { Kafka, logLevel as KafkajsLogLevel, type IHeaders, type KafkaConfig } from 'kafkajs';
import type { ClientConfig, LogLevel, RecordHeaders } from '../types.ts';

const LEVELS: Record<LogLevel, KafkajsLogLevel> = {
  nothing: KafkajsLogLevel.NOTHING,
  error: KafkajsLogLevel.ERROR,
  warn: KafkajsLogLevel.WARN,
  info: KafkajsLogLevel.INFO,
  debug: KafkajsLogLevel.DEBUG,
};

/** One kafkajs client per producer/consumer/admin: each owns its connections and metadata. */
export function createKafka(config: ClientConfig): Kafka {
  if (config.bootstrapServers.length === 0) {
    throw new Error('ClientConfig.bootstrapServers is empty: pass at least one "host:port"');
  }
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId,
    brokers: [...config.bootstrapServers],
    logLevel: LEVELS[config.logLevel ?? 'warn'],
    connectionTimeout: config.connectionTimeoutMs ?? 3000,
    requestTimeout: config.requestTimeoutMs ?? 30000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
  };
  return new Kafka(kafkaConfig);
}

export function toKafkajsHeaders(headers: RecordHeaders): IHeaders | undefined {
  const keys = Object.keys(headers);
  if (keys.length === 0) return undefined;
  const out: IHeaders = {};
  for (const k of keys) out[k] = headers[k];
  return out;
}

const EMPTY_HEADERS: RecordHeaders = Object.freeze({});

export function fromKafkajsHeaders(headers: IHeaders | undefined): RecordHeaders {
  if (headers === undefined) return EMPTY_HEADERS;
  const keys = Object.keys(headers);
  if (keys.length === 0) return EMPTY_HEADERS;
  const out: Record<string, Buffer> = {};
  for (const k of keys) {
    const v = headers[k];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last === undefined) continue;
    out[k] = typeof last === 'string' ? Buffer.from(last) : last;
  }
  return out;
}

export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
