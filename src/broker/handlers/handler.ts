/*
 * The handler contract. One file per API under src/broker/handlers/ (`03-metadata.ts`, …) exports
 * one `ApiHandler` made with `defineHandler`, and handlers/index.ts lists them. The ApiVersions
 * reply is built from that list, so advertising a version and serving it cannot drift apart.
 *
 *   advertised  the range announced in ApiVersions. Min is 0 everywhere (librdkafka
 *               2.0.2 enables features only on overlaps with old versions).
 *   served      the range actually decoded and answered. A request outside it (but inside the
 *               codec's range) closes the connection, as Kafka does for a disabled version.
 *               `served` ⊆ `advertised` ⊆ the schema's validVersions.
 *
 * A handler receives the decoded request (property names per the codec's naming contract) and
 * returns one of:
 *   - a response body object               → encoded at the request's version and sent;
 *   - `NO_RESPONSE`                         → nothing is sent (acks=0 Produce);
 *   - `later(promise)`                      → the handler's state changes are complete, only the
 *                                             reply waits (acks=-1 fsync); the connection goes on
 *                                             handling the next request, replies stay in order;
 *   - `CLOSE(reason)`                       → the connection is closed after earlier replies.
 * A handler that must block its connection (a parked Fetch, JoinGroup) returns a Promise of one
 * of these instead. Handlers never throw for bad client input: they answer with Kafka error
 * codes. A thrown exception is treated as a broker bug: logged, and the connection is closed.
 */
import type { MessageDef } from '../../protocol/schema.ts';
import type { ConnectionContext } from '../connection.ts';
import type { Broker } from '../broker.ts';

export interface RequestContext {
  readonly broker: Broker;
  readonly conn: ConnectionContext;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /**
   * Who is asking, in Kafka's form `User:<name>`: the principal the connection authenticated as,
   * `User:ANONYMOUS` when it did not. ACL checks (src/broker/acl/request-authz.ts) use it.
   */
  readonly principal: string;
}

export const NO_RESPONSE: unique symbol = Symbol('no response');

export class Later<Res> {
  constructor(readonly response: Promise<Res>) {}
}

export class CloseRequest {
  constructor(readonly reason: string) {}
}

/** The reply will be ready later; the connection may handle its next request meanwhile. */
export function later<Res>(response: Promise<Res>): Later<Res> {
  return new Later(response);
}

/** Close the connection (after the replies to earlier requests) instead of answering. */
export function closeWith(reason: string): CloseRequest {
  return new CloseRequest(reason);
}

export type HandlerOutput<Res> = Res | typeof NO_RESPONSE | Later<Res> | CloseRequest;

export interface VersionSpan {
  readonly min: number;
  readonly max: number;
}

export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  readonly name: string;
  readonly requestSchema: MessageDef;
  readonly responseSchema: MessageDef;
  readonly advertised: VersionSpan;
  readonly served: VersionSpan;
  handle(ctx: RequestContext, request: Req): HandlerOutput<Res> | Promise<HandlerOutput<Res>>;
}

/** Declares a handler; checks the version ranges against each other and the schema once. */
export function defineHandler<Req, Res>(h: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  const valid = h.requestSchema.validVersions.split('-').map(Number);
  const schemaMax = valid.length === 2 ? (valid[1] as number) : Number.POSITIVE_INFINITY;
  const ok =
    h.advertised.min <= h.served.min &&
    h.served.min <= h.served.max &&
    h.served.max <= h.advertised.max &&
    h.advertised.max <= schemaMax;
  if (!ok) {
    throw new Error(
      `handler ${h.name} (key ${h.apiKey}): served ${h.served.min}-${h.served.max} must lie within advertised ` +
        `${h.advertised.min}-${h.advertised.max}, which must lie within the schema's ${h.requestSchema.validVersions}`,
    );
  }
  return Object.freeze(h);
}

/** Builds a `topic-partition` key used by the broker's per-partition maps and waiters. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
