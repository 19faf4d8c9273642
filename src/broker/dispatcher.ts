/*
 * The dispatcher turns one request frame into a connection `Outcome`: parse the header, find the
 * handler for the API key, check the version, decode the body with the protocol codec, run the
 * handler and encode its answer (response header + body, with the int32 size prefix) as chunks
 * so stored record batches go to the socket without being copied.
 *
 * Bad input, as Apache Kafka's SocketServer treats it (each affects only the connection it came on):
 *   frame shorter than the fixed header (8 bytes)          → close
 *   unknown API key                                         → close
 *   ApiVersions at a version we do not serve                → error 35 + v0 body listing our
 *                                                             versions (never closed)
 *   any other API at a version outside its served range     → close
 *   body or header that does not decode (malformed)         → close
 *
 * Authentication comes first: on a SASL listener the connection's SaslAuthenticator sees every
 * frame before it is decoded (security/sasl-authenticator.ts has the state table): before
 * authentication only ApiVersions, SaslHandshake and SaslAuthenticate get through, and after a
 * v0 handshake the frames are bare SASL tokens that it answers itself. Every handler then sees
 * the connection's principal as `ctx.principal` (User:ANONYMOUS when unauthenticated).
 *
 * Header layout (request header v1/v2): int16 apiKey, int16 apiVersion, int32 correlationId,
 * nullable int16-length clientId, then (v2, flexible requests) a tag section.
 */
import { Reader } from '../protocol/reader.ts';
import { Writer } from '../protocol/writer.ts';
import { compile, isFlexible } from '../protocol/schema.ts';
import { readRequestHeader, responseHeaderVersion, writeResponseHeader } from '../protocol/header.ts';
import type { Outcome, Reply } from './connection.ts';
import { closeConnection, deferred, NO_REPLY, reply, replyThenClose, type ConnectionContext } from './connection.ts';
import { CloseRequest, Later, NO_RESPONSE, type ApiHandler, type RequestContext } from './handlers/handler.ts';
import type { Broker } from './broker.ts';
import { ANONYMOUS_PRINCIPAL } from './security/connection-security.ts';

const API_VERSIONS = 18;
const UNSUPPORTED_VERSION = 35;

/**
 * Test-only: picks the principal of each request from its client id and connection, standing in
 * for authentication in ACL tests. Real brokers take the principal the connection authenticated as.
 */
export type PrincipalOf = (request: { readonly clientId: string | null; readonly remote: string }) => string;

export class Dispatcher {
  private readonly byKey = new Map<number, ApiHandler>();

  constructor(
    private readonly broker: Broker,
    handlers: readonly ApiHandler[],
    private readonly principalOf?: PrincipalOf,
  ) {
    for (const h of handlers) {
      if (this.byKey.has(h.apiKey)) throw new Error(`two handlers registered for API key ${h.apiKey}`);
      this.byKey.set(h.apiKey, h);
    }
  }

  /** Handlers in API key order (ApiVersions lists these). */
  get handlers(): ApiHandler[] {
    return [...this.byKey.values()].sort((a, b) => a.apiKey - b.apiKey);
  }

  readonly handleFrame = (frame: Buffer, conn: ConnectionContext): Outcome | Promise<Outcome> => {
    const gated = conn.security?.sasl?.admit(frame) ?? null;
    if (gated !== null) return gated;
    if (frame.length < 8) return closeConnection(`request of ${frame.length} bytes is shorter than a request header`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = this.byKey.get(apiKey);
    if (handler === undefined) {
      return closeConnection(`unknown API key ${apiKey} (version ${apiVersion}); this broker serves ${[...this.byKey.keys()].join(', ')}`);
    }
    if (apiVersion < handler.served.min || apiVersion > handler.served.max) {
      if (apiKey === API_VERSIONS) return reply(this.unsupportedApiVersions(correlationId));
      return closeConnection(
        `${handler.name} version ${apiVersion} is not served (served: ${handler.served.min}-${handler.served.max})`,
      );
    }
    const startedAt = performance.now();
    let request: unknown;
    let clientId: string | null;
    try {
      const r = new Reader(frame);
      const header = readRequestHeader(r, isFlexible(handler.requestSchema, apiVersion) ? 2 : 1);
      clientId = header.clientId;
      // Trailing bytes after the body are tolerated, as Kafka does (newer clients may append).
      request = compile(handler.requestSchema, apiVersion).decode(r);
    } catch (err) {
      return closeConnection(`malformed ${handler.name} v${apiVersion} request: ${(err as Error).message}`);
    }
    const principal = this.principalOf === undefined ? (conn.security?.principal ?? ANONYMOUS_PRINCIPAL) : this.principalOf({ clientId, remote: conn.remote });
    const ctx: RequestContext = { broker: this.broker, conn, apiKey, apiVersion, correlationId, clientId, principal };
    const out = handler.handle(ctx, request);
    if (out instanceof Promise) {
      return out.then((o) => {
        this.broker.metrics.request(handler.name, performance.now() - startedAt);
        return this.toOutcome(handler, ctx, o);
      });
    }
    this.broker.metrics.request(handler.name, performance.now() - startedAt);
    return this.toOutcome(handler, ctx, out);
  };

  private toOutcome(handler: ApiHandler, ctx: RequestContext, out: unknown): Outcome {
    if (out === NO_RESPONSE) return NO_REPLY;
    if (out instanceof CloseRequest) {
      if (out.response !== undefined && !ctx.conn.isClosed) return replyThenClose(this.encode(handler, ctx, out.response), out.reason);
      return closeConnection(out.reason);
    }
    if (out instanceof Later) {
      return deferred((out.response as Promise<unknown>).then((body) => this.encode(handler, ctx, body)));
    }
    if (ctx.conn.isClosed) return NO_REPLY;
    return reply(this.encode(handler, ctx, out));
  }

  /** Response frame: int32 size, response header (v0/v1), body at the request's version. */
  encode(handler: ApiHandler, ctx: RequestContext, body: unknown): Reply {
    const compiled = compile(handler.responseSchema, ctx.apiVersion);
    const w = new Writer(512);
    w.int32(0);
    writeResponseHeader(w, responseHeaderVersion(ctx.apiKey, compiled.flexible), ctx.correlationId);
    compiled.encode(w, body as never);
    const size = w.length - 4;
    w.patchInt32(0, size);
    const chunks = w.chunks();
    return chunks.length === 1 ? (chunks[0] as Buffer) : chunks;
  }

  /**
   * KIP-511: an ApiVersions request at a version we do not serve gets UNSUPPORTED_VERSION and a
   * v0 body (header v0) listing our versions, so the client can retry with one we do serve.
   */
  private unsupportedApiVersions(correlationId: number): Buffer {
    const handler = this.byKey.get(API_VERSIONS) as ApiHandler;
    const w = new Writer(256);
    w.int32(0);
    writeResponseHeader(w, 0, correlationId);
    compile(handler.responseSchema, 0).encode(w, {
      errorCode: UNSUPPORTED_VERSION,
      apiKeys: this.handlers.map((h) => ({ apiKey: h.apiKey, minVersion: h.advertised.min, maxVersion: h.advertised.max })),
    } as never);
    w.patchInt32(0, w.length - 4);
    return w.finish();
  }
}
