/**
 * A Serde turns values of one type into bytes and back, as Kafka Streams' Serde does. `null`
 * stays `null` in both directions (a null value is a tombstone; a null key means "no key"), so
 * serializers never see null and deserializers never receive null bytes.
 *
 * A deserializer throws on bytes it cannot read; the runtime hands that record to the configured
 * deserialization handler instead of crashing.
 */
export interface Serializer<T> {
  serialize(topic: string, data: T): Buffer;
}

export interface Deserializer<T> {
  deserialize(topic: string, data: Buffer): T;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** Short name for describe() output and error messages, e.g. "String" or "Json". */
  readonly name: string;
}

/** The value type a serde carries: `SerdeType<ReturnType<typeof Serdes.string>>` is `string`. */
export type SerdeType<S> = S extends Serde<infer T> ? T : never;
