// Test helper: fast-check arbitraries generated from a compiled message schema, so every message
// and version gets a round-trip property without hand-written generators. Fields absent at the
// version take their defaults (what decode produces); nullable fields sometimes get null.
import fc from 'fast-check';
import type { FieldDef, MessageDef, PrimitiveType } from '../../src/protocol/schema.ts';
import { defaultValue, fieldMode, inVersions, propertyName } from '../../src/protocol/schema.ts';

function primitive(t: PrimitiveType): fc.Arbitrary<unknown> {
  switch (t) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
        const h = Buffer.from(b).toString('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      });
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 8 });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b));
  }
}

function fieldArbitrary(f: FieldDef, version: number): fc.Arbitrary<unknown> {
  const mode = fieldMode(f, version);
  if (mode === 'absent') return fc.constant(null).map(() => defaultValue(f, version));
  const nullable = inVersions(f.nullableVersions, version) || f.type === 'records';
  let arb: fc.Arbitrary<unknown>;
  if (f.type === 'struct') arb = structArbitrary(f.fields ?? [], version);
  else if (f.type === '[]struct') arb = fc.array(structArbitrary(f.fields ?? [], version), { maxLength: 3 });
  else if (f.type.startsWith('[]')) arb = fc.array(primitive(f.type.slice(2) as PrimitiveType), { maxLength: 4 });
  else arb = primitive(f.type as PrimitiveType);
  if (nullable) arb = fc.option(arb, { nil: null, freq: 4 });
  if (mode === 'tagged') {
    // Tagged fields are often left at their default (and then not written at all).
    return fc.oneof(arb, fc.constant(null).map(() => defaultValue(f, version)));
  }
  return arb;
}

export function structArbitrary(fields: readonly FieldDef[], version: number): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) model[propertyName(f.name)] = fieldArbitrary(f, version);
  return fc.record(model) as fc.Arbitrary<Record<string, unknown>>;
}

export function messageArbitrary(def: MessageDef, version: number): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(def.fields, version);
}
