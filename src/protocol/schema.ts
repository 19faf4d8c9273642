/*
 * The message DSL and its compiler: one declarative table per message, compiled per version into
 * an encoder and a decoder. The same compiled plan serves all four directions (the broker decodes
 * requests and encodes responses; clients and tests encode requests and decode responses).
 *
 * A message (MessageDef) mirrors Apache Kafka's JSON message specs: `validVersions`,
 * `flexibleVersions`, and fields with
 *   name              the spec's PascalCase name; the object property is the name with its first
 *                     letter lower-cased (TopicData → topicData)
 *   type              int8 int16 int32 int64 uint16 uint32 float64 bool uuid string bytes records,
 *                     `struct`, or `[]` + any of those (arrays); structs carry `fields`
 *   versions          "0+", "3-5", "7", "none": the versions the field exists in
 *   nullableVersions  versions where null is allowed (length -1, or 0 in compact form)
 *   default           value when absent at a version or omitted on encode (int64 as number)
 *   tag/taggedVersions  a tagged field: in those versions it lives in the tag section
 *   flexibleVersions  per-field override: "none" keeps the classic form (RequestHeader ClientId)
 *
 * Rules the compiler implements (state per field at version v):
 *   absent  (v outside `versions`)        decode → default; encode → ignored
 *   tagged  (v inside `taggedVersions`)   written in the struct's tag section only when the value
 *                                          differs from the default; unknown tags are skipped
 *   regular                               written in declaration order
 * In a flexible version strings, bytes, records and arrays use the compact forms, and every
 * struct (the message, each nested struct, each array element) ends with a tag section.
 * Value mapping: int64 → bigint (encode also accepts a number), uuid → lowercase string,
 * bytes/records → Buffer (decode returns a zero-copy subarray; `records` encode also accepts a
 * list of Buffers), undefined on encode → the default.
 *
 * Compiled plans are cached per (MessageDef object, version): compile once, then encode/decode
 * run only the closures built here (./schema-compiler.ts), with no per-call allocation beyond the
 * values themselves. Field definitions and defaults live in ./schema-fields.ts.
 */
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { MalformedMessageError, UnsupportedVersionError } from './protocol-errors.ts';
import { inVersions, isFlexible } from './schema-fields.ts';
import type { FieldDef, MessageDef } from './schema-fields.ts';
import { compileStruct } from './schema-compiler.ts';

export * from './schema-fields.ts';

// ---------------------------------------------------------------------------------------------
// Types derived from a schema literal (`as const satisfies MessageDef`).

type PrimitiveValue<T extends string> =
  T extends 'int64' ? bigint
  : T extends 'bool' ? boolean
  : T extends 'string' | 'uuid' ? string
  : T extends 'bytes' | 'records' ? Buffer
  : number;

type NullIf<F, T> = F extends { readonly nullableVersions: string } ? T | null : T;

type FieldValue<F extends FieldDef> =
  F['type'] extends 'struct' ? NullIf<F, StructValue<NonNullable<F['fields']>>>
  : F['type'] extends '[]struct' ? NullIf<F, StructValue<NonNullable<F['fields']>>[]>
  : F['type'] extends `[]${infer E}` ? NullIf<F, PrimitiveValue<E>[]>
  : F['type'] extends 'records' ? Buffer | null
  : NullIf<F, PrimitiveValue<F['type']>>;

/** The decoded object type of a list of fields. */
export type StructValue<Fs extends readonly FieldDef[]> = {
  -readonly [F in Fs[number] as Uncapitalize<F['name']>]: FieldValue<F>;
};

/** The decoded object type of a message schema literal. */
export type MessageValue<M extends MessageDef> = StructValue<M['fields']>;

/**
 * What an encoder accepts: any property may be omitted (→ its default); int64 may be a number.
 * A list of Buffers is only valid for `records` fields (the type cannot tell them from `bytes`;
 * a list given to a `bytes` field fails at encode time with an InvalidFieldError naming the field).
 */
export type Encodable<T> = T extends Buffer ? Buffer | readonly Buffer[]
  : T extends bigint ? bigint | number
  : T extends string | number | boolean | null ? T
  : T extends readonly (infer E)[] ? readonly Encodable<E>[]
  : T extends object ? { [K in keyof T]?: Encodable<T[K]> }
  : T;

export interface CompiledMessage<T = Record<string, unknown>> {
  readonly def: MessageDef;
  readonly version: number;
  readonly flexible: boolean;
  encode(w: Writer, value: Encodable<T> | T): void;
  decode(r: Reader): T;
}

const compiledCache = new WeakMap<MessageDef, Map<number, CompiledMessage<any>>>();

/** Compiles (and caches) the codec for `def` at `version`. */
export function compile<T = Record<string, unknown>>(def: MessageDef, version: number): CompiledMessage<T> {
  let perVersion = compiledCache.get(def);
  if (!perVersion) {
    perVersion = new Map();
    compiledCache.set(def, perVersion);
  }
  const hit = perVersion.get(version);
  if (hit) return hit as CompiledMessage<T>;
  if (!Number.isInteger(version) || !inVersions(def.validVersions, version)) {
    throw new UnsupportedVersionError(def.apiKey ?? -1, version, `${def.name} ${def.validVersions}`);
  }
  const flexible = isFlexible(def, version);
  const struct = compileStruct(def.fields, version, flexible, def.name);
  const compiled: CompiledMessage<T> = {
    def,
    version,
    flexible,
    encode: struct.enc as CompiledMessage<T>['encode'],
    decode: struct.dec as CompiledMessage<T>['decode'],
  };
  perVersion.set(version, compiled);
  return compiled;
}

/** Encodes one message body into a standalone Buffer. */
export function encodeMessage<T>(def: MessageDef, version: number, value: Encodable<T> | T): Buffer {
  const w = new Writer();
  compile<T>(def, version).encode(w, value);
  return w.finish();
}

/** Decodes one message body from `buf`; rejects trailing bytes (a sign of the wrong version). */
export function decodeMessage<T>(def: MessageDef, version: number, buf: Buffer): T {
  const r = new Reader(buf);
  const v = compile<T>(def, version).decode(r);
  if (r.remaining() !== 0) {
    throw new MalformedMessageError(`${def.name} v${version}: ${r.remaining()} unexpected trailing bytes after the body`);
  }
  return v;
}
