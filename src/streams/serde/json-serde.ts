/*
 * JSON serdes: UTF-8 JSON text, as Kafka Connect's schemaless JsonConverter and most non-Java
 * producers write it.
 *
 *   Serdes.json<T>()        trusts the payload: `deserialize` parses and casts to T. Cheap, but a
 *                           malformed record only fails at the first field access in user code.
 *   Serdes.json(zodSchema)  validates every record on the way in with a zod 4 schema; the value
 *                           type is the schema's output type (`z.output<typeof schema>`), so
 *                           transforms and defaults apply. A record that fails the schema throws a
 *                           DeserializationError naming the topic and listing the zod issues
 *                           (`path: message`), with the issues attached as `error.issues`; the
 *                           runtime routes it to the deserialization exception handler.
 *
 * Serialization never validates (the value comes from typed user code); it rejects only what
 * JSON cannot represent (undefined, functions, symbols, bigint, cycles) with SerializationError.
 * `Serdes.json<T>()` is a single shared instance; a schema serde is one object per call.
 */
import type { z } from 'zod';
import type { Serde } from './serde.ts';
import { DeserializationError, SerializationError, previewBytes } from './serde-errors.ts';

function stringify(serdeName: string, topic: string, data: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new SerializationError(serdeName, topic, `value is not JSON-serializable (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (text === undefined) {
    throw new SerializationError(serdeName, topic, `a ${typeof data} has no JSON form; send null for "no value"`);
  }
  return Buffer.from(text, 'utf8');
}

function parse(serdeName: string, topic: string, data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new DeserializationError(
      serdeName,
      topic,
      `payload is not valid JSON (${(err as Error).message}); bytes: ${previewBytes(data)}`,
      { cause: err },
    );
  }
}

const plainJsonSerde: Serde<unknown> = {
  name: 'Json',
  serialize(topic, data) {
    return stringify('Json', topic, data);
  },
  deserialize(topic, data) {
    return parse('Json', topic, data);
  },
};

/** Renders zod issues as `path: message` lines, e.g. `amount: Invalid input: expected number`. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? '<root>' : issue.path.map((p) => String(p)).join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

function schemaJsonSerde<S extends z.ZodType>(schema: S): Serde<z.output<S>> {
  const name = 'Json(zod)';
  return {
    name,
    serialize(topic, data) {
      return stringify(name, topic, data);
    },
    deserialize(topic, data) {
      const parsed = parse(name, topic, data);
      const result = schema.safeParse(parsed);
      if (!result.success) {
        const issues = result.error.issues;
        throw new DeserializationError(
          name,
          topic,
          `record does not match the schema: ${formatZodIssues(issues)}`,
          { cause: result.error, issues },
        );
      }
      return result.data;
    },
  };
}

export function jsonSerde<T = unknown>(): Serde<T>;
export function jsonSerde<S extends z.ZodType>(schema: S): Serde<z.output<S>>;
export function jsonSerde(schema?: z.ZodType): Serde<unknown> {
  return schema === undefined ? plainJsonSerde : schemaJsonSerde(schema);
}
