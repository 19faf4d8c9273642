/*
 * One TCP connection to one Kafka broker: framing, correlation ids, in-order responses and API
 * version negotiation. Works against any Kafka broker (ours, Apache Kafka, Redpanda, the
 * librdkafka mock cluster).
 *
 * Lifecycle:
 *   open()  connect (connect timeout; TLS handshake with certificate and server-name checks for
 *           SSL/SASL_SSL) → ApiVersions (highest version our codec has, 3; if the
 *           broker answers UNSUPPORTED_VERSION with a v0 body, retry at the highest version it
 *           lists; if it answers in a shape we cannot decode, as librdkafka's mock cluster does,
 *           retry at v0, which every broker serves) → SASL authentication for SASL_PLAINTEXT /
 *           SASL_SSL (sasl/authenticate.ts) → ready. `versions` then holds the broker's range
 *           per API key.
 *   re-authentication (KIP-368)  when the broker grants a session lifetime, the connection
 *           re-authenticates at 85–95% of it: new requests wait, in-flight ones finish, the
 *           SASL exchange runs again, then the waiting requests go out in order. A failed
 *           re-authentication kills the connection.
 *   request()  picks the highest version both sides support (optionally bounded by the caller),
 *           writes the frame, and resolves with the decoded body when its response arrives.
 *   close() / a socket error / a timeout  reject every in-flight request; the connection is dead
 *           (the cluster opens a new one on next use).
 *
 * Invariants: Kafka answers requests on one connection strictly in order, so in-flight requests
 * form a FIFO; a response whose correlation id is not the head's is a protocol violation and
 * kills the connection (as kafka-python does). A request that times out also kills the
 * connection, since a late response would shift every later one. Requests sent with
 * `expectResponse: false` (Produce with acks=0) get no FIFO entry: the broker sends nothing.
 */
import { connect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as connectTls } from 'node:tls';
import { apiName } from '../protocol/api-keys.ts';
import { decodeResponse, encodeRequestChunks } from '../protocol/frames.ts';
import { FrameReader, FrameSizeError } from '../protocol/frame-reader.ts';
import { apiDefinition, type ApiTypes, type ApiVersionsResponse, type ImplementedApiKey } from '../protocol/messages/index.ts';
import type { Encodable } from '../protocol/schema.ts';
import { KafkaClientError, KafkaConnectionError, KafkaTimeoutError } from './errors.ts';
import { usesClientTls, type ClientSecurity } from './security.ts';
import { authenticateSasl, KafkaAuthenticationError, type SaslSend } from './sasl/authenticate.ts';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  connectTimeoutMs?: number;
  /** Default per-request timeout (a long-polling Fetch adds its max wait on top). */
  requestTimeoutMs?: number;
  /** TLS and SASL settings (security.ts); absent = PLAINTEXT. */
  security?: ClientSecurity | undefined;
}

export interface RequestOptions {
  /** Use exactly this version (must be supported by both sides). */
  version?: number;
  /** Bounds for the negotiated version. */
  minVersion?: number;
  maxVersion?: number;
  timeoutMs?: number;
  /** false for Produce with acks=0: the broker sends no response. */
  expectResponse?: boolean;
}

export interface Reply<K extends ImplementedApiKey> {
  version: number;
  body: ApiTypes[K]['response'];
}

interface InFlight {
  correlationId: number;
  apiKey: ImplementedApiKey;
  version: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface VersionRange {
  min: number;
  max: number;
}

/** An ApiVersions answer in a shape we cannot read at the version we asked: retry at v0. */
class UndecodableApiVersions extends Error {}

const SOFTWARE_NAME = 'tributary-wire';
const SOFTWARE_VERSION = '0.1.0';
const MAX_FRAME = 1024 * 1024 * 1024;

export class WireConnection {
  readonly address: string;
  /** Broker's supported range per API key, from ApiVersions. */
  readonly versions = new Map<number, VersionRange>();
  /** Finalized feature levels from ApiVersions v3+ (KIP-584), e.g. `transaction.version` → 2; empty below v3. */
  readonly finalizedFeatures = new Map<string, number>();
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private nextCorrelationId = 1;
  private readonly inFlight: InFlight[] = [];
  private dead: Error | null = null;
  /** While re-authenticating: resolves when new requests may go out. */
  private reauthGate: Promise<void> | null = null;
  private reauthTimer: NodeJS.Timeout | null = null;
  private drainWaiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
    /** Fed by the socket's `onread` (plain TCP, reading in place) or by its 'data' events (TLS). */
    private readonly reader: FrameReader,
    readsInPlace: boolean,
  ) {
    this.address = `${opts.host}:${opts.port}`;
    this.clientId = opts.clientId ?? 'tributary';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    socket.setNoDelay(true);
    if (!readsInPlace) socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('error', (err) => this.fail(new KafkaConnectionError(`connection to ${this.address} failed: ${err.message}`, this.address)));
    socket.on('close', () => this.fail(new KafkaConnectionError(`connection to ${this.address} was closed by the broker`, this.address)));
  }

  /** Connects and negotiates API versions. */
  static async open(opts: ConnectionOptions): Promise<WireConnection> {
    const address = `${opts.host}:${opts.port}`;
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    const tls = usesClientTls(opts.security);
    // A response holds at least its correlation id.
    const reader = new FrameReader({ minFrameBytes: 4, maxFrameBytes: MAX_FRAME });
    // Plain TCP reads in place (frame-reader.ts): each read lands where the reader says, so a
    // large fetch response is written by the kernel straight into its own buffer. Nothing
    // arrives before the connection object exists (the broker speaks only when asked).
    let conn: WireConnection | undefined;
    const onread = {
      buffer: () => reader.readTarget(),
      callback: (n: number) => {
        reader.filled(n);
        conn?.drainFrames();
        return true;
      },
    };
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls ? connectTls(tlsConnectOptions(opts)) : connect({ host: opts.host, port: opts.port, onread });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KafkaConnectionError(`could not connect to ${address} within ${timeoutMs} ms; is a Kafka broker running there?`, address));
      }, timeoutMs);
      s.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const hint = err.code === 'ECONNREFUSED' ? ' (nothing is listening there; start a broker with `tributary broker` or check --bootstrap-server)' : '';
        if (tls && err.code !== 'ECONNREFUSED') {
          // A certificate problem is not retriable: the same certificate fails the same way.
          reject(new KafkaAuthenticationError(`TLS connection to ${address} failed: ${err.message} (check the CA file, the client certificate and that the broker's certificate names ${opts.security?.tls?.servername ?? opts.host})`));
          return;
        }
        reject(new KafkaConnectionError(`could not connect to ${address}: ${err.code ?? err.message}${hint}`, address));
      });
    });
    conn = new WireConnection(socket, opts, reader, !tls);
    try {
      await conn.negotiateVersions();
      await conn.authenticate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get isOpen(): boolean {
    return this.dead === null;
  }

  /** True if the broker offers some version of `apiKey`. */
  supports(apiKey: number): boolean {
    return this.versions.has(apiKey);
  }

  /** The version to use for `apiKey`: the highest both sides support within `opts`' bounds. */
  pickVersion(apiKey: ImplementedApiKey, opts: RequestOptions = {}): number {
    const def = apiDefinition(apiKey);
    const name = apiName(apiKey);
    const theirs = this.versions.get(apiKey);
    if (!def) throw new KafkaClientError(`${name} (API key ${apiKey}) is not implemented by this client's codec`);
    if (!theirs) throw new KafkaClientError(`the broker at ${this.address} does not support ${name} (API key ${apiKey})`);
    const ours = { min: def.minVersion, max: def.maxVersion };
    if (opts.version !== undefined) {
      if (opts.version < theirs.min || opts.version > theirs.max || opts.version < ours.min || opts.version > ours.max) {
        throw new KafkaClientError(`${name} v${opts.version} is not supported by the broker at ${this.address} (it supports ${theirs.min}-${theirs.max})`);
      }
      return opts.version;
    }
    const max = Math.min(ours.max, theirs.max, opts.maxVersion ?? Number.POSITIVE_INFINITY);
    const min = Math.max(ours.min, theirs.min, opts.minVersion ?? 0);
    if (max < min) {
      throw new KafkaClientError(
        `no common version of ${name} (API key ${apiKey}): the broker at ${this.address} supports ` +
          `${theirs.min}-${theirs.max}, this client ${Math.max(ours.min, opts.minVersion ?? 0)}-${Math.min(ours.max, opts.maxVersion ?? ours.max)}`,
      );
    }
    return max;
  }

  /** Sends one request and resolves with the decoded response body. */
  request<K extends ImplementedApiKey>(apiKey: K, body: Encodable<ApiTypes[K]['request']>, opts: RequestOptions = {}): Promise<Reply<K>> {
    if (this.reauthGate !== null) return this.reauthGate.then(() => this.request(apiKey, body, opts));
    const version = this.pickVersion(apiKey, opts);
    return this.send(apiKey, version, body, opts).then((b) => ({ version, body: b }));
  }

  /** SASL authentication (open and KIP-368 re-authentication); schedules the next one. */
  private async authenticate(): Promise<void> {
    const sasl = this.opts.security?.sasl;
    const protocol = this.opts.security?.protocol ?? 'PLAINTEXT';
    if (sasl === undefined || !protocol.startsWith('SASL_')) return;
    const send: SaslSend = (apiKey, body, version) => this.send(apiKey, version, body as never, {});
    const versions = {
      handshake: this.pickVersion(17, { minVersion: 1 }),
      authenticate: this.pickVersion(36),
    };
    const lifetimeMs = await authenticateSasl(send, versions, sasl, this.address);
    if (lifetimeMs > 0 && !this.dead) {
      // Java's client picks 85–95% of the lifetime; the spread keeps many connections apart.
      const delay = Math.max(0, Math.floor(lifetimeMs * (0.85 + Math.random() * 0.1)));
      this.reauthTimer = setTimeout(() => this.reauthenticate(), delay);
      this.reauthTimer.unref();
    }
  }

  private reauthenticate(): void {
    this.reauthTimer = null;
    if (this.dead) return;
    const gate = (async () => {
      while (this.inFlight.length > 0 && !this.dead) await new Promise<void>((r) => this.drainWaiters.push(r));
      if (this.dead) return;
      await this.authenticate();
    })();
    this.reauthGate = gate.then(
      () => {
        this.reauthGate = null;
      },
      (err: unknown) => {
        this.reauthGate = null;
        this.fail(err instanceof Error ? err : new Error(String(err)));
        throw this.dead;
      },
    );
    this.reauthGate.catch(() => undefined);
  }

  private send<K extends ImplementedApiKey>(
    apiKey: K,
    version: number,
    body: Encodable<ApiTypes[K]['request']>,
    opts: RequestOptions,
  ): Promise<ApiTypes[K]['response']> {
    if (this.dead) return Promise.reject(this.dead);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) | 0 || 1;
    // Chunks: a Produce's record batches (≥ 1 KiB) are written as they are, not copied into the frame.
    const frame = encodeRequestChunks({ apiKey, apiVersion: version, correlationId, clientId: this.clientId }, body);
    if (opts.expectResponse === false) {
      this.write(frame);
      return Promise.resolve(undefined as unknown as ApiTypes[K]['response']);
    }
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new KafkaTimeoutError(`${apiName(apiKey)} to ${this.address} got no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.push({ correlationId, apiKey, version, resolve: resolve as (b: unknown) => void, reject, timer });
      this.write(frame);
    });
  }

  /** Writes a frame's chunks back to back (one writev under cork). */
  private write(chunks: readonly Buffer[]): void {
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  close(): void {
    this.fail(new KafkaConnectionError(`connection to ${this.address} was closed`, this.address));
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    if (this.reauthTimer !== null) clearTimeout(this.reauthTimer);
    this.socket.destroy();
    for (const w of this.drainWaiters.splice(0)) w();
    for (const req of this.inFlight.splice(0)) {
      clearTimeout(req.timer);
      req.reject(err);
    }
  }

  /** Frames are views of the socket's chunks, copied only when one straddles chunks (frame-reader.ts). */
  private onData(data: Buffer): void {
    this.reader.push(data);
    this.drainFrames();
  }

  /** Hands every complete frame the reader holds to its request. */
  private drainFrames(): void {
    while (!this.dead) {
      let frame: Buffer | null;
      try {
        frame = this.reader.next();
      } catch (err) {
        const size = err instanceof FrameSizeError ? err.size : NaN;
        this.fail(new KafkaConnectionError(`the broker at ${this.address} sent an invalid frame size ${size}`, this.address));
        return;
      }
      if (frame === null) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const head = this.inFlight.shift();
    const correlationId = frame.readInt32BE(0);
    if (!head || head.correlationId !== correlationId) {
      this.fail(
        new KafkaConnectionError(
          `the broker at ${this.address} answered correlation id ${correlationId} but ${head ? head.correlationId : 'no request'} was expected next`,
          this.address,
        ),
      );
      if (head) head.reject(this.dead!);
      return;
    }
    clearTimeout(head.timer);
    if (this.inFlight.length === 0) for (const w of this.drainWaiters.splice(0)) w();
    try {
      head.resolve(decodeResponse(head.apiKey, head.version, frame).body);
    } catch (err) {
      if (head.apiKey === 18 && head.version > 0) {
        // A broker that does not know this ApiVersions version answers with a v0 body (KIP-511);
        // some (librdkafka's mock) answer in yet another shape. The frame was read whole, so the
        // stream is intact: hand back a version error and let negotiateVersions retry at v0.
        try {
          head.resolve(decodeResponse(head.apiKey, 0, frame).body);
        } catch {
          head.reject(new UndecodableApiVersions());
        }
        return;
      }
      const e = new KafkaConnectionError(
        `could not decode ${apiName(head.apiKey)} v${head.version} response from ${this.address}: ${(err as Error).message}`,
        this.address,
      );
      head.reject(e);
      this.fail(e);
    }
  }

  /**
   * ApiVersions handshake. A broker that does not know our version answers with error 35 and a
   * v0 body listing what it supports (KIP-511); decode that and retry at its highest version.
   */
  private async negotiateVersions(): Promise<void> {
    const ours = apiDefinition(18)?.maxVersion ?? 0;
    let version = ours;
    for (let attempt = 0; attempt < 2; attempt++) {
      let body: ApiVersionsResponse;
      try {
        body = await this.send(18, version, { clientSoftwareName: SOFTWARE_NAME, clientSoftwareVersion: SOFTWARE_VERSION }, {});
      } catch (err) {
        if (err instanceof UndecodableApiVersions && version > 0) {
          version = 0;
          continue;
        }
        throw err;
      }
      if (body.errorCode === 35 && attempt === 0) {
        const mine = body.apiKeys.find((k) => k.apiKey === 18);
        const next = Math.min(ours, mine?.maxVersion ?? 0);
        if (next < version) {
          version = next;
          continue;
        }
      }
      if (body.errorCode !== 0) {
        throw new KafkaClientError(`ApiVersions to ${this.address} failed with Kafka error ${body.errorCode}`);
      }
      for (const k of body.apiKeys) this.versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      for (const f of body.finalizedFeatures ?? []) this.finalizedFeatures.set(f.name, f.maxVersionLevel);
      return;
    }
    throw new KafkaClientError(`could not agree on an ApiVersions version with ${this.address}`);
  }
}

/** node:tls options for a connection: CA, client certificate, and the name the certificate must carry. */
function tlsConnectOptions(opts: ConnectionOptions): import('node:tls').ConnectionOptions {
  const t = opts.security?.tls ?? {};
  // SNI must be a host name; for an IP address Node checks the certificate's IP SANs instead.
  const servername = t.servername ?? (isIP(opts.host) === 0 ? opts.host : undefined);
  return {
    host: opts.host,
    port: opts.port,
    ...(t.ca !== undefined ? { ca: t.ca } : {}),
    ...(t.cert !== undefined ? { cert: t.cert } : {}),
    ...(t.key !== undefined ? { key: t.key } : {}),
    ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}),
    ...(servername !== undefined ? { servername } : {}),
    ...(t.servername !== undefined && isIP(opts.host) !== 0
      ? { checkServerIdentity: (_host: string, cert: import('node:tls').PeerCertificate) => checkServerIdentity(t.servername as string, cert) }
      : {}),
    rejectUnauthorized: t.rejectUnauthorized ?? true,
  };
}
