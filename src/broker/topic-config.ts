/*
 * Topic configs: the Kafka config names a client may set on a topic (CreateTopics `configs`,
 * broker option `topicDefaults`), how each string value is parsed and checked, and how the stored
 * overrides turn into the `LogConfig` object the partition log acts on.
 *
 * Invariant: the topic registry stores only overrides, as the strings the client sent after
 * normalisation (`"delete,compact"` → `"compact,delete"`). Effective config = log defaults ←
 * broker `topicDefaults` ← topic overrides. Every stored value has passed `parseConfigValue`, so
 * `toLogConfig` never fails on registry content.
 *
 *   Kafka name                 LogConfig field          accepted values
 *   retention.ms               retentionMs              integer ≥ -1 (-1 = keep forever)
 *   retention.bytes            retentionBytes           integer ≥ -1
 *   cleanup.policy             cleanupPolicy            delete | compact | compact,delete
 *   segment.bytes              segmentBytes             integer ≥ 75 (one batch header + 14)
 *   segment.ms                 segmentMs                integer ≥ 1
 *   max.message.bytes          maxMessageBytes          integer ≥ 0
 *   delete.retention.ms        deleteRetentionMs        integer ≥ 0
 *   min.cleanable.dirty.ratio  minCleanableDirtyRatio   number in [0, 1]
 *   min.compaction.lag.ms      minCompactionLagMs       integer ≥ 0
 *   message.timestamp.type     messageTimestampType     CreateTime | LogAppendTime
 *   index.interval.bytes       indexIntervalBytes       integer ≥ 0
 *
 * Integers may be written up to Java's Long.MAX_VALUE (Kafka Streams uses it for "forever");
 * values beyond 2^53 are clamped to Number.MAX_SAFE_INTEGER, which means the same in practice.
 */
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log/log-config.ts';

type Parsed = { ok: true; value: string; field: keyof LogConfig; parsed: LogConfig[keyof LogConfig] } | { ok: false; error: string };

interface ConfigSpec {
  field: keyof LogConfig;
  parse: (raw: string) => { value: string; parsed: LogConfig[keyof LogConfig] } | string;
}

const LONG_MAX = 9223372036854775807n;

function integer(min: number) {
  return (raw: string): { value: string; parsed: number } | string => {
    const text = raw.trim();
    if (!/^-?\d+$/.test(text)) return `expected an integer, got "${raw}"`;
    const big = BigInt(text);
    if (big < BigInt(min)) return `expected an integer ≥ ${min}, got ${text}`;
    if (big > LONG_MAX) return `expected an integer ≤ ${LONG_MAX}, got ${text}`;
    const parsed = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
    return { value: text, parsed };
  };
}

const SPECS: Readonly<Record<string, ConfigSpec>> = {
  'retention.ms': { field: 'retentionMs', parse: integer(-1) },
  'retention.bytes': { field: 'retentionBytes', parse: integer(-1) },
  'segment.bytes': { field: 'segmentBytes', parse: integer(75) },
  'segment.ms': { field: 'segmentMs', parse: integer(1) },
  'max.message.bytes': { field: 'maxMessageBytes', parse: integer(0) },
  'delete.retention.ms': { field: 'deleteRetentionMs', parse: integer(0) },
  'min.compaction.lag.ms': { field: 'minCompactionLagMs', parse: integer(0) },
  'index.interval.bytes': { field: 'indexIntervalBytes', parse: integer(0) },
  'cleanup.policy': {
    field: 'cleanupPolicy',
    parse: (raw) => {
      const parts = [...new Set(raw.split(',').map((p) => p.trim().toLowerCase()))].sort();
      const value = parts.join(',');
      if (value === 'delete' || value === 'compact' || value === 'compact,delete') return { value, parsed: value };
      return `expected delete, compact or compact,delete, got "${raw}"`;
    },
  },
  'min.cleanable.dirty.ratio': {
    field: 'minCleanableDirtyRatio',
    parse: (raw) => {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) return `expected a number between 0 and 1, got "${raw}"`;
      return { value: String(n), parsed: n };
    },
  },
  'message.timestamp.type': {
    field: 'messageTimestampType',
    parse: (raw) =>
      raw === 'CreateTime' || raw === 'LogAppendTime' ? { value: raw, parsed: raw } : `expected CreateTime or LogAppendTime, got "${raw}"`,
  },
};

/** The config names this broker understands, sorted (DescribeConfigs lists them in this order). */
export const SUPPORTED_TOPIC_CONFIGS: readonly string[] = Object.keys(SPECS).sort();

/** Parses one config; unknown names and bad values give an error string naming both. */
export function parseConfigValue(name: string, raw: string | null | undefined): Parsed {
  const spec = SPECS[name];
  if (spec === undefined) {
    return { ok: false, error: `unknown topic config "${name}"; supported: ${SUPPORTED_TOPIC_CONFIGS.join(', ')}` };
  }
  if (raw === null || raw === undefined) return { ok: false, error: `topic config "${name}" needs a value, got null` };
  const r = spec.parse(raw);
  if (typeof r === 'string') return { ok: false, error: `invalid value for topic config "${name}": ${r}` };
  return { ok: true, value: r.value, field: spec.field, parsed: r.parsed };
}

/**
 * Validates a whole set of configs (e.g. one CreateTopics topic). Returns the normalised
 * overrides, or the first error. Duplicate names keep the last value, as Kafka does.
 */
export function validateTopicConfigs(
  entries: Iterable<{ name: string; value: string | null }>,
): { ok: true; configs: Record<string, string> } | { ok: false; error: string } {
  const configs: Record<string, string> = {};
  for (const { name, value } of entries) {
    const r = parseConfigValue(name, value);
    if (!r.ok) return r;
    configs[name] = r.value;
  }
  return { ok: true, configs };
}

/** Effective log config: defaults ← broker topicDefaults ← topic overrides (all pre-validated). */
export function toLogConfig(brokerDefaults: Record<string, string>, overrides: Record<string, string>): LogConfig {
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const source of [brokerDefaults, overrides]) {
    for (const [name, raw] of Object.entries(source)) {
      const r = parseConfigValue(name, raw);
      if (!r.ok) throw new Error(`${r.error} (stored topic config is invalid; fix or remove it)`);
      (cfg as unknown as Record<string, unknown>)[r.field] = r.parsed;
    }
  }
  return cfg;
}

export interface ConfigEntry {
  name: string;
  value: string;
  /** True when neither the topic nor the broker's topicDefaults set it. */
  isDefault: boolean;
  /** 'topic' (override), 'broker' (topicDefaults) or 'default'. */
  source: 'topic' | 'broker' | 'default';
}

/** Every supported config with its effective value and where the value came from. */
export function describeTopicConfigs(brokerDefaults: Record<string, string>, overrides: Record<string, string>): ConfigEntry[] {
  const effective = toLogConfig(brokerDefaults, overrides);
  return SUPPORTED_TOPIC_CONFIGS.map((name) => {
    const spec = SPECS[name] as ConfigSpec;
    const override = overrides[name];
    const brokerValue = brokerDefaults[name];
    if (override !== undefined) return { name, value: override, isDefault: false, source: 'topic' as const };
    if (brokerValue !== undefined) return { name, value: brokerValue, isDefault: false, source: 'broker' as const };
    return { name, value: String(effective[spec.field]), isDefault: true, source: 'default' as const };
  });
}

/** Topic name rules (Kafka's Topic.validate): 1–249 chars of [a-zA-Z0-9._-], not "." or "..". */
export function topicNameError(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'topic name must be a non-empty string';
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed`;
  if (name.length > 249) return `topic name is ${name.length} characters long; the maximum is 249`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `topic name "${name}" is invalid: use only ASCII letters, digits, '.', '_' and '-'`;
  }
  return null;
}

/**
 * Kafka's internal topics (Topic.INTERNAL_TOPICS in apache/kafka): written only by the broker's
 * coordinators; a client's Produce to one is refused ("Cannot append to internal topic").
 */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}
