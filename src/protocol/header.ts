/*
 * Request and response headers.
 *
 *   Request header v1: int16 apiKey, int16 apiVersion, int32 correlationId,
 *                      nullable string clientId (int16 length)
 *   Request header v2: v1 + a tag section. clientId STAYS an int16-length string (the spec marks
 *                      it flexibleVersions "none"), which is what librdkafka sends.
 *   (v0, without clientId, is only used by ControlledShutdown v0, which we do not serve.)
 *   Response header v0: int32 correlationId.   v1: v0 + a tag section.
 *
 * Which header version a message uses (KIP-482; Apache Kafka's RequestHeader/ResponseHeader):
 *   request:  v2 iff the request version is flexible, else v1
 *   response: v1 iff the response version is flexible, EXCEPT ApiVersions (key 18), whose response
 *             header is always v0 so that a client can parse the error of a version it sent too
 *             high (KIP-511).
 */
import type { MessageDef, MessageValue } from './schema.ts';
import { compile } from './schema.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

export const RequestHeaderSchema = {
  name: 'RequestHeader',
  kind: 'header',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'RequestApiKey', type: 'int16', versions: '0+' },
    { name: 'RequestApiVersion', type: 'int16', versions: '0+' },
    { name: 'CorrelationId', type: 'int32', versions: '0+' },
    { name: 'ClientId', type: 'string', versions: '1+', nullableVersions: '1+', flexibleVersions: 'none' },
  ],
} as const satisfies MessageDef;

export const ResponseHeaderSchema = {
  name: 'ResponseHeader',
  kind: 'header',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [{ name: 'CorrelationId', type: 'int32', versions: '0+' }],
} as const satisfies MessageDef;

export type RequestHeader = MessageValue<typeof RequestHeaderSchema>;
export type ResponseHeader = MessageValue<typeof ResponseHeaderSchema>;

export const API_VERSIONS_KEY = 18;

export function requestHeaderVersion(requestFlexible: boolean): 1 | 2 {
  return requestFlexible ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, responseFlexible: boolean): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return responseFlexible ? 1 : 0;
}

export function readRequestHeader(r: Reader, version: number): RequestHeader {
  return compile<RequestHeader>(RequestHeaderSchema, version).decode(r);
}

export function writeRequestHeader(w: Writer, version: number, header: RequestHeader): void {
  compile<RequestHeader>(RequestHeaderSchema, version).encode(w, header);
}

export function readResponseHeader(r: Reader, version: number): ResponseHeader {
  return compile<ResponseHeader>(ResponseHeaderSchema, version).decode(r);
}

export function writeResponseHeader(w: Writer, version: number, correlationId: number): void {
  w.int32(correlationId);
  if (version >= 1) w.uvarint(0);
}
