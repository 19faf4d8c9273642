/*
 * The protocol package boundary: pure bytes ⇄ objects, no I/O. The broker, our client and the
 * tests import from here. See schema.ts for the naming contract (spec names, lower-cased first
 * letter; int64 → bigint; bytes/records → Buffer), frames.ts for whole requests/responses, and
 * records/ for record batch v2.
 */
export * from './frames.ts';
export * from './header.ts';
export * from './api-keys.ts';
export * from './error-codes.ts';
export * from './protocol-errors.ts';
export { Reader } from './reader.ts';
export { Writer } from './writer.ts';
export { compile, decodeMessage, encodeMessage, inVersions, parseVersions, propertyName } from './schema.ts';
export type { CompiledMessage, Encodable, FieldDef, MessageDef, MessageValue, StructValue } from './schema.ts';
export * from './messages/index.ts';
