/*
 * Field definitions of the message DSL (see ./schema.ts for the rules) and the helpers both the
 * compiler and tests need: version ranges ("3+", "0-4", "5", "none"), property names
 * (TopicData → topicData) and default values per type.
 *
 * Defaults (Kafka's generated-code defaults unless the field declares one):
 *   numbers 0, int64 0n, bool false, string "" (null if declared null), uuid all zeros,
 *   bytes empty (or null), records null, arrays [] (or null), structs with every field default.
 */

export type PrimitiveType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64'
  | 'bool' | 'uuid' | 'string' | 'bytes' | 'records';
export type FieldType = PrimitiveType | 'struct' | `[]${PrimitiveType}` | '[]struct';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly default?: number | string | boolean | null;
  readonly tag?: number;
  readonly taggedVersions?: string;
  readonly flexibleVersions?: string;
  readonly fields?: readonly FieldDef[];
}

export interface MessageDef {
  readonly name: string;
  readonly apiKey?: number;
  readonly kind: 'request' | 'response' | 'header' | 'data';
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldDef[];
}

// ---------------------------------------------------------------------------------------------
// Version ranges.

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

const NONE: VersionRange = { min: 1, max: 0 };
const rangeCache = new Map<string, VersionRange>();

/** Parses "3+", "0-4", "5" or "none". */
export function parseVersions(spec: string): VersionRange {
  let r = rangeCache.get(spec);
  if (r) return r;
  const s = spec.trim();
  if (s === 'none' || s === '') r = NONE;
  else if (s.endsWith('+')) r = { min: Number(s.slice(0, -1)), max: Number.POSITIVE_INFINITY };
  else if (s.includes('-')) {
    const [a, b] = s.split('-');
    r = { min: Number(a), max: Number(b) };
  } else r = { min: Number(s), max: Number(s) };
  if (Number.isNaN(r.min) || Number.isNaN(r.max)) throw new Error(`invalid version range "${spec}"`);
  rangeCache.set(spec, r);
  return r;
}

export function inVersions(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const r = parseVersions(spec);
  return version >= r.min && version <= r.max;
}

export function isFlexible(def: MessageDef, version: number): boolean {
  return inVersions(def.flexibleVersions, version);
}

/** TopicData → topicData. */
export function propertyName(fieldName: string): string {
  return fieldName.charAt(0).toLowerCase() + fieldName.slice(1);
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const EMPTY = Buffer.alloc(0);

/** How a field is handled at one version. */
export type FieldMode = 'absent' | 'tagged' | 'regular';

export function fieldMode(field: FieldDef, version: number): FieldMode {
  if (!inVersions(field.versions, version)) return 'absent';
  if (field.tag !== undefined && inVersions(field.taggedVersions, version)) return 'tagged';
  return 'regular';
}

/** The default value of a field (fresh arrays/objects each call). */
export function defaultValue(field: FieldDef, version: number): unknown {
  const d = field.default;
  const t = field.type;
  if (t.startsWith('[]')) return d === null ? null : [];
  if (t === 'struct') return d === null ? null : defaultStruct(field.fields ?? [], version);
  switch (t) {
    case 'int64':
      return BigInt(d === undefined || d === null ? 0 : (d as number | string));
    case 'bool':
      return d === true || d === 'true';
    case 'string':
      return d === undefined ? '' : d === null ? null : String(d);
    case 'uuid':
      return d === undefined || d === null ? ZERO_UUID : String(d);
    case 'bytes':
      return d === null ? null : EMPTY;
    case 'records':
      return null;
    default:
      return d === undefined || d === null ? 0 : Number(d);
  }
}

function defaultStruct(fields: readonly FieldDef[], version: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[propertyName(f.name)] = defaultValue(f, version);
  return o;
}
