/*
 * The schema compiler: turns the fields of one struct, at one version, into an encode closure and
 * a decode closure (see ./schema.ts for the rules it implements). Built once per
 * (message, version) by `compile` in ./schema.ts; nothing here allocates per call beyond the
 * decoded values themselves (a tagged field being written uses a scratch Writer).
 *
 * Per field and version the plan is one of: absent (decode → default, encode → skip), regular
 * (declaration order), tagged (tag section, written only when not default). Nullable structs
 * carry an int8 presence marker (-1 null, 1 present), as Kafka does.
 */
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { InvalidFieldError, MalformedMessageError } from './protocol-errors.ts';
import { defaultValue, fieldMode, inVersions, propertyName } from './schema-fields.ts';
import type { FieldDef, FieldMode, PrimitiveType } from './schema-fields.ts';

type Enc = (w: Writer, v: any) => void;
type Dec = (r: Reader) => any;

interface ValueCodec {
  enc: Enc;
  dec: Dec;
  isDefault: (v: any) => boolean;
}

interface FieldPlan {
  readonly prop: string;
  readonly name: string;
  readonly mode: FieldMode;
  readonly tag: number;
  readonly makeDefault: () => unknown;
  readonly codec: ValueCodec;
}

export interface StructCodec {
  enc: Enc;
  dec: Dec;
  isDefault: (v: any) => boolean;
}


export function compileStruct(fields: readonly FieldDef[], version: number, flexible: boolean, path: string): StructCodec {
  const plans: FieldPlan[] = fields.map((f) => {
    const mode = fieldMode(f, version);
    const fieldPath = `${path}.${f.name}`;
    const d = defaultValue(f, version);
    // Immutable defaults are shared; arrays and structs are built fresh for every decode.
    const shared = d === null || typeof d !== 'object' || Buffer.isBuffer(d);
    return {
      prop: propertyName(f.name),
      name: fieldPath,
      mode,
      tag: f.tag ?? -1,
      makeDefault: shared ? () => d : () => defaultValue(f, version),
      codec: mode === 'absent' ? ABSENT_CODEC : compileValue(f, version, flexible, fieldPath),
    };
  });
  const regular = plans.filter((p) => p.mode === 'regular');
  const tagged = plans.filter((p) => p.mode === 'tagged').sort((a, b) => a.tag - b.tag);
  const byTag = new Map<number, FieldPlan>(tagged.map((p) => [p.tag, p]));
  const n = plans.length;

  const enc: Enc = (w, obj) => {
    if (obj === null || typeof obj !== 'object') {
      throw new InvalidFieldError(`${path}: expected an object to encode, got ${obj === null ? 'null' : typeof obj}`);
    }
    let i = 0;
    try {
      for (; i < regular.length; i++) {
        const p = regular[i]!;
        const v = obj[p.prop];
        p.codec.enc(w, v === undefined ? p.makeDefault() : v);
      }
    } catch (e) {
      throw annotate(e, regular[i]?.name ?? path);
    }
    if (flexible) {
      let count = 0;
      for (const p of tagged) {
        const v = obj[p.prop];
        if (v !== undefined && !p.codec.isDefault(v)) count++;
      }
      w.uvarint(count);
      for (const p of tagged) {
        const v = obj[p.prop];
        if (v === undefined || p.codec.isDefault(v)) continue;
        const sub = new Writer(64);
        try {
          p.codec.enc(sub, v);
        } catch (e) {
          throw annotate(e, p.name);
        }
        const bytes = sub.finish();
        w.uvarint(p.tag);
        w.uvarint(bytes.length);
        w.raw(bytes);
      }
    }
  };

  const dec: Dec = (r) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const p = plans[i]!;
      o[p.prop] = p.mode === 'regular' ? p.codec.dec(r) : p.makeDefault();
    }
    if (flexible) {
      const count = r.uvarint();
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const p = byTag.get(tag);
        if (!p) {
          r.skip(size);
          continue;
        }
        if (size > r.remaining()) {
          throw new MalformedMessageError(`${p.name}: tagged field ${tag} claims ${size} bytes but ${r.remaining()} remain`);
        }
        const sub = new Reader(r.buf, r.pos, r.pos + size);
        o[p.prop] = p.codec.dec(sub);
        r.pos += size;
      }
    }
    return o;
  };

  const isDefault = (v: any): boolean => {
    if (v === null || typeof v !== 'object') return false;
    for (const p of plans) {
      if (p.mode === 'absent') continue;
      const fv = v[p.prop];
      if (fv !== undefined && !p.codec.isDefault(fv)) return false;
    }
    return true;
  };

  return { enc, dec, isDefault };
}

function annotate(e: unknown, where: string): Error {
  if (e instanceof InvalidFieldError || e instanceof MalformedMessageError) {
    if (e.message.startsWith(where)) return e;
    return new InvalidFieldError(`${where}: ${e.message}`);
  }
  if (e instanceof Error) return new InvalidFieldError(`${where}: ${e.message}`);
  return new InvalidFieldError(`${where}: ${String(e)}`);
}

const ABSENT_CODEC: ValueCodec = {
  enc: () => undefined,
  dec: () => undefined,
  isDefault: () => true,
};

function compileValue(f: FieldDef, version: number, msgFlexible: boolean, path: string): ValueCodec {
  const nullable = inVersions(f.nullableVersions, version);
  const compact = msgFlexible && (f.flexibleVersions === undefined || inVersions(f.flexibleVersions, version));
  const def = defaultValue(f, version);
  const t = f.type;

  if (t === 'struct') {
    const s = compileStruct(f.fields ?? [], version, msgFlexible, path);
    if (!nullable) {
      return { enc: s.enc, dec: s.dec, isDefault: s.isDefault };
    }
    // Nullable structs carry an int8 presence marker (-1 null, 1 present), as Kafka does.
    return {
      enc: (w, v) => {
        if (v === null) w.int8(-1);
        else {
          w.int8(1);
          s.enc(w, v);
        }
      },
      dec: (r) => (r.int8() < 0 ? null : s.dec(r)),
      isDefault: (v) => (def === null ? v === null : v !== null && s.isDefault(v)),
    };
  }

  if (t.startsWith('[]')) {
    const elemType = t.slice(2) as PrimitiveType | 'struct';
    const elem: { enc: Enc; dec: Dec } =
      elemType === 'struct'
        ? compileStruct(f.fields ?? [], version, msgFlexible, `${path}[]`)
        : primitiveCodec(elemType, false, compact, `${path}[]`);
    const eenc = elem.enc;
    const edec = elem.dec;
    return {
      enc: (w, v) => {
        if (v === null) {
          if (!nullable) throw new InvalidFieldError(`${path} is null but is not nullable at version ${version}`);
          if (compact) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        if (!Array.isArray(v)) throw new InvalidFieldError(`${path}: expected an array, got ${typeof v}`);
        if (compact) w.uvarint(v.length + 1);
        else w.int32(v.length);
        for (let i = 0; i < v.length; i++) eenc(w, v[i]);
      },
      dec: (r) => {
        const len = compact ? r.compactArrayLength() : r.arrayLength();
        if (len < 0) {
          if (!nullable) throw new MalformedMessageError(`${path} is null but is not nullable at version ${version}`);
          return null;
        }
        const out: unknown[] = [];
        for (let i = 0; i < len; i++) out.push(edec(r));
        return out;
      },
      isDefault: (v) => (def === null ? v === null : v !== null && v.length === 0),
    };
  }

  const codec = primitiveCodec(t as PrimitiveType, nullable, compact, path);
  return {
    enc: codec.enc,
    dec: codec.dec,
    isDefault: (v) => {
      if (t === 'bytes' || t === 'records') return def === null ? v === null : v !== null && v.length === 0;
      if (t === 'int64' && typeof v === 'number') return BigInt(v) === def;
      return v === def;
    },
  };
}

function nullCheck(nullable: boolean, path: string): (v: unknown) => void {
  return (v) => {
    if (v === null && !nullable) throw new InvalidFieldError(`${path} is null but the field is not nullable at this version`);
  };
}

function primitiveCodec(t: PrimitiveType, nullable: boolean, compact: boolean, path: string): { enc: Enc; dec: Dec } {
  const check = nullCheck(nullable, path);
  switch (t) {
    case 'int8':
      return { enc: (w, v) => w.int8(v), dec: (r) => r.int8() };
    case 'int16':
      return { enc: (w, v) => w.int16(v), dec: (r) => r.int16() };
    case 'int32':
      return { enc: (w, v) => w.int32(v), dec: (r) => r.int32() };
    case 'uint16':
      return { enc: (w, v) => w.uint16(v), dec: (r) => r.uint16() };
    case 'uint32':
      return { enc: (w, v) => w.uint32(v), dec: (r) => r.uint32() };
    case 'int64':
      return { enc: (w, v) => w.int64(typeof v === 'bigint' ? v : BigInt(v)), dec: (r) => r.int64() };
    case 'float64':
      return { enc: (w, v) => w.float64(v), dec: (r) => r.float64() };
    case 'bool':
      return { enc: (w, v) => w.bool(v), dec: (r) => r.bool() };
    case 'uuid':
      return { enc: (w, v) => w.uuid(v), dec: (r) => r.uuid() };
    case 'string':
      if (compact) {
        return nullable
          ? { enc: (w, v) => w.compactNullableString(v), dec: (r) => r.compactNullableString() }
          : { enc: (w, v) => (check(v), w.compactString(v)), dec: (r) => r.compactString() };
      }
      return nullable
        ? { enc: (w, v) => w.nullableString(v), dec: (r) => r.nullableString() }
        : { enc: (w, v) => (check(v), w.string(v)), dec: (r) => r.string() };
    case 'bytes':
      if (compact) {
        return nullable
          ? { enc: (w, v) => w.compactNullableBytes(v), dec: (r) => r.compactNullableBytes() }
          : { enc: (w, v) => (check(v), w.compactBytes(v)), dec: (r) => r.compactBytes() };
      }
      return nullable
        ? { enc: (w, v) => w.nullableBytes(v), dec: (r) => r.nullableBytes() }
        : { enc: (w, v) => (check(v), w.bytes(v)), dec: (r) => r.bytes() };
    case 'records':
      // Records are always nullable on the wire in the specs that use them.
      return {
        enc: (w, v) => w.records(v, compact),
        dec: compact ? (r) => r.compactNullableBytes() : (r) => r.nullableBytes(),
      };
  }
}

