/*
 * `Serdes`: the one place users pick serdes from, as in Kafka Streams' `Serdes` class.
 *
 *   Serdes.string()          string   UTF-8
 *   Serdes.json<T>()         T        UTF-8 JSON, unvalidated
 *   Serdes.json(schema)      z.output<schema>  UTF-8 JSON validated with zod 4
 *   Serdes.int32()           number   4-byte big-endian
 *   Serdes.int64()           number   8-byte big-endian; throws outside ±(2^53 - 1)
 *   Serdes.int64BigInt()     bigint   8-byte big-endian, full signed 64-bit range
 *   Serdes.double()          number   8-byte IEEE-754 big-endian
 *   Serdes.bytes()           Buffer   as is
 *   Serdes.void()            null     no payload
 *   Serdes.timeWindowed(inner, sizeMs)  Windowed<K>  key + 8-byte start
 *   Serdes.sessionWindowed(inner)       Windowed<K>  key + 8-byte end + 8-byte start
 *
 * Why `int64()` is a number: counts, sums and timestamps are numbers in user code, and every
 * such value stays below 2^53; the serde throws instead of rounding when one does not. Use
 * `int64BigInt()` for ids or other values that use the full 64 bits. Byte layouts and error
 * behaviour are documented in primitive-serdes.ts, json-serde.ts and windowed-serdes.ts.
 *
 * Types flow from the factory: `SerdeType<ReturnType<typeof Serdes.string>>` is `string`, and
 * `SerdeType<typeof serde>` for `const serde = Serdes.json(schema)` is the schema's output type.
 * Every factory without arguments returns a shared stateless singleton.
 */
import type { Serde } from './serde.ts';
import {
  bytesSerde,
  doubleSerde,
  int32Serde,
  int64BigIntSerde,
  int64Serde,
  stringSerde,
  voidSerde,
} from './primitive-serdes.ts';
import { jsonSerde } from './json-serde.ts';
import { sessionWindowedSerde, timeWindowedSerde } from './windowed-serdes.ts';
import type { Windowed } from './windowed-serdes.ts';

export const Serdes = {
  string: (): Serde<string> => stringSerde,
  json: jsonSerde,
  int32: (): Serde<number> => int32Serde,
  int64: (): Serde<number> => int64Serde,
  int64BigInt: (): Serde<bigint> => int64BigIntSerde,
  double: (): Serde<number> => doubleSerde,
  bytes: (): Serde<Buffer> => bytesSerde,
  void: (): Serde<null> => voidSerde,
  timeWindowed: <K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> => timeWindowedSerde(inner, windowSizeMs),
  sessionWindowed: <K>(inner: Serde<K>): Serde<Windowed<K>> => sessionWindowedSerde(inner),
} as const;
