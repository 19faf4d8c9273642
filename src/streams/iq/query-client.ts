/*
 * A typed client for the HTTP interactive-query server, for other Node services:
 *
 *   const iq = new InteractiveQueryClient('http://127.0.0.1:7070');
 *   const orders = iq.store<string, OrderState>('orders-by-id');
 *   const o = await orders.get('o-1');                 // { key, value, timestamp? } | undefined
 *   const some = await orders.range('o-1', 'o-5');     // entries, in key order
 *   const then = await prices.get('p-1', { asOf: t });  // versioned stores: the version valid at t
 *   const hist = await prices.versions('p-1', { from: t1, to: t2 });  // versions, newest first
 *
 * Keys are always sent as JSON (keyFormat=json), so every key type JSON can carry works without
 * knowing the store's serde. Values arrive as JSON: the type parameter V is what the caller
 * declares the store holds, in JSON form (a bigint arrives as a decimal string, bytes as base64).
 * Any instance may be asked: the server forwards to the owner. A non-2xx answer throws an
 * InteractiveQueryError with the server's status, code, message and Retry-After; a get of an
 * absent key resolves undefined.
 */
import { SERVED_BY_HEADER } from './query-router.ts';

export interface KeyValueEntry<K, V> {
  readonly key: K;
  readonly value: V;
  /** DSL table stores: the row's timestamp; versioned stores: when this version became valid. */
  readonly timestamp?: number;
  /** Versioned stores: when this version stopped being valid (absent: still current). */
  readonly validTo?: number;
}

export interface WindowEntry<K, V> extends KeyValueEntry<K, V> {
  readonly start: number;
  readonly end: number;
}

export class InteractiveQueryError extends Error {
  override readonly name = 'InteractiveQueryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying (503 answers). */
    readonly retryAfter: number | undefined,
  ) {
    super(message);
  }
}

export interface InteractiveQueryClientOptions {
  /** Sent as "Authorization: Bearer <token>" (interactiveQueries.bearerToken). */
  readonly bearerToken?: string;
  /** Per request; default 10000. */
  readonly timeoutMs?: number;
}

export interface StoreInfoEntry {
  readonly name: string;
  readonly kind: 'keyValue' | 'versioned' | 'window' | 'session';
  readonly timestamped: boolean;
  readonly keySerde: string;
  readonly global: boolean;
}

type Params = Record<string, string | number | boolean | undefined>;

export class InteractiveQueryClient {
  readonly #base: string;
  readonly #options: InteractiveQueryClientOptions;
  /** "host:port" of the instance that answered the last request from its own stores. */
  lastServedBy: string | undefined;

  constructor(baseUrl: string, options: InteractiveQueryClientOptions = {}) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#options = options;
  }

  async stores(): Promise<StoreInfoEntry[]> {
    return ((await this.request('/stores', {})) as { stores: StoreInfoEntry[] }).stores;
  }

  store<K, V>(name: string): StoreClient<K, V> {
    return new StoreClient<K, V>(this, name);
  }

  /** GET `path` with `params`; the parsed body, undefined for a 404 KEY_NOT_FOUND, or throws. */
  async request(path: string, params: Params): Promise<unknown> {
    const url = new URL(this.#base + path);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    if (this.#options.bearerToken !== undefined) headers['authorization'] = `Bearer ${this.#options.bearerToken}`;
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000) });
    this.lastServedBy = res.headers.get(SERVED_BY_HEADER) ?? undefined;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InteractiveQueryError(res.status, 'BAD_RESPONSE', `${url.pathname}: the server answered ${res.status} with non-JSON: ${text.slice(0, 200)}`, undefined);
    }
    if (res.ok) return body;
    const error = (body as { error?: { code?: string; message?: string } }).error ?? {};
    if (res.status === 404 && error.code === 'KEY_NOT_FOUND') return undefined;
    const retry = res.headers.get('retry-after');
    throw new InteractiveQueryError(res.status, error.code ?? 'HTTP_' + res.status, `${url.pathname}: ${error.message ?? res.statusText}`, retry === null ? undefined : Number(retry));
  }
}

const enc = (key: unknown): string => {
  const json = JSON.stringify(key);
  if (json === undefined) throw new TypeError(`a key must be JSON-serializable (got ${typeof key})`);
  return json;
};

export class StoreClient<K, V> {
  readonly #path: string;
  constructor(
    private readonly client: InteractiveQueryClient,
    readonly name: string,
  ) {
    this.#path = `/stores/${encodeURIComponent(name)}`;
  }

  /** The value of `key` (asOf: versioned stores; standby: a standby replica may answer). */
  async get(key: K, options: { asOf?: number; standby?: boolean } = {}): Promise<KeyValueEntry<K, V> | undefined> {
    const body = await this.client.request(`${this.#path}/key`, { key: enc(key), keyFormat: 'json', asOf: options.asOf, standby: options.standby });
    if (body === undefined) return undefined;
    const { store: _store, ...entry } = body as KeyValueEntry<K, V> & { store: string };
    return entry;
  }

  /**
   * Versioned stores (MultiVersionedKeyQuery): `key`'s versions valid at some time in [from, to]
   * (either bound open), each with timestamp (valid from) and validTo (absent for the latest);
   * newest first unless order is 'ascending'. An unknown key answers [].
   */
  versions(key: K, options: { from?: number; to?: number; order?: 'ascending' | 'descending'; standby?: boolean } = {}): Promise<Array<KeyValueEntry<K, V>>> {
    return this.#entries(`${this.#path}/key/versions`, { key: enc(key), keyFormat: 'json', from: options.from, to: options.to, order: options.order, standby: options.standby });
  }

  /** Entries with from <= key <= to (either bound open), from every instance, in key order. */
  async range(from?: K, to?: K): Promise<Array<KeyValueEntry<K, V>>> {
    return this.#entries<KeyValueEntry<K, V>>(`${this.#path}/keys`, {
      keyFormat: 'json',
      from: from === undefined ? undefined : enc(from),
      to: to === undefined ? undefined : enc(to),
    });
  }

  all(): Promise<Array<KeyValueEntry<K, V>>> {
    return this.range();
  }

  /** `key`'s windows starting in [from, to] (window stores). */
  windows(key: K, from: number, to: number, options: { standby?: boolean } = {}): Promise<Array<WindowEntry<K, V>>> {
    return this.#entries(`${this.#path}/key/windows`, { key: enc(key), keyFormat: 'json', from, to, standby: options.standby });
  }

  /** Every key's windows starting in [from, to] (window stores), from every instance. */
  allWindows(from: number, to: number): Promise<Array<WindowEntry<K, V>>> {
    return this.#entries(`${this.#path}/windows`, { from, to });
  }

  /** `key`'s sessions (session stores). */
  sessions(key: K, options: { standby?: boolean } = {}): Promise<Array<WindowEntry<K, V>>> {
    return this.#entries(`${this.#path}/key/sessions`, { key: enc(key), keyFormat: 'json', standby: options.standby });
  }

  async #entries<E>(path: string, params: Params): Promise<E[]> {
    return ((await this.client.request(path, params)) as { entries: E[] }).entries;
  }
}
