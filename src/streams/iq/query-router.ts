/*
 * Answers one interactive query for this instance: validates it, decides WHO answers, and either
 * answers from the local stores or asks the instance(s) that can (query-server.ts does the HTTP).
 *
 * Routing (we forward; we never redirect, so a plain curl and the typed client need no retry
 * loop): the instances are those of the assignment's host map, each known by its
 * applicationServer "host:port".
 *   key queries (get, windows, sessions)
 *     1 queryMetadataForKey → the key's partition, its active host and its standby hosts
 *     2 candidates: the active host; with standby=true also the standbys
 *     3 this instance is a candidate → answer locally; otherwise forward to the candidates in
 *       order until one answers (a network failure tries the next)
 *   range queries (range, allWindows): every instance answers for its active tasks (forwarded
 *   with scope=local); the entries are merged in one deterministic order (store-queries.ts)
 *   A forwarded request (header x-tributary-iq-scope: local) is always answered locally: it is
 *   never forwarded again, so a stale host map cannot make a loop.
 *   Without applicationServer (one instance) or for a global store: always locally.
 *
 * Answers: 200; 404 UNKNOWN_STORE / KEY_NOT_FOUND / NOT_FOUND (route); 400 BAD_REQUEST with what
 * was wrong; 503 NOT_AVAILABLE with Retry-After while the instance is not RUNNING (rebalancing,
 * restoring), the assignment is unknown, or an owner cannot be reached.
 */
import { StreamsStates } from '../runtime/streams-state.ts';
import type { HostInfo } from '../runtime/streams-config.ts';
import { InvalidStateStoreError } from '../runtime/queryable-stores.ts';
import { badRequest, decodeKey, QueryError } from './json-codec.ts';
import { hostKey, sameHost, type QueryHost, type StoreInfo } from './query-host.ts';
import { parseRoute, type ParsedRoute } from './query-routes.ts';
import { checkQueryFits, isKeyQuery, queryLocal, sortEntries, type QueryEntry, type StoreQuery } from './store-queries.ts';

export const SCOPE_HEADER = 'x-tributary-iq-scope';
export const SERVED_BY_HEADER = 'x-tributary-iq-served-by';

export interface QueryResponse {
  readonly status: number;
  readonly body: unknown;
  /** Seconds (503). */
  readonly retryAfter?: number;
  /** "host:port" of the instance whose local stores answered ("local" without applicationServer). */
  readonly servedBy?: string;
}

/** Sends `pathAndQuery` to `host` with scope=local and returns its answer; rejects when unreachable. */
export type Forwarder = (host: HostInfo, pathAndQuery: string) => Promise<QueryResponse>;

const unavailable = (message: string): QueryError => new QueryError(503, 'NOT_AVAILABLE', message, 1);

export function errorResponse(e: QueryError): QueryResponse {
  return { status: e.status, body: { error: { code: e.code, message: e.message } }, ...(e.retryAfter !== undefined ? { retryAfter: e.retryAfter } : {}) };
}

export class QueryRouter {
  constructor(
    private readonly host: QueryHost,
    private readonly forward: Forwarder,
  ) {}

  /** The answer to `url`; `local` when the request was forwarded by another instance. */
  async answer(url: URL, local: boolean): Promise<QueryResponse> {
    try {
      const route = parseRoute(url);
      if (route === undefined) throw new QueryError(404, 'NOT_FOUND', `no route ${url.pathname}; see GET /stores and docs/interactive-queries.md`);
      if (route.route === 'stores') return this.#listStores();
      return await this.#storeQuery(route, url, local);
    } catch (e) {
      if (e instanceof QueryError) return errorResponse(e);
      if (e instanceof InvalidStateStoreError) return errorResponse(unavailable(e.message));
      throw e;
    }
  }

  #listStores(): QueryResponse {
    const stores = this.host.storeNames().flatMap((name) => {
      const info = this.host.storeInfo(name);
      return info === undefined ? [] : [{ name, kind: info.kind, timestamped: info.timestamped, keySerde: info.keySerde.name, global: info.global }];
    });
    return { status: 200, body: { stores } };
  }

  async #storeQuery(route: Extract<ParsedRoute, { route: 'store' }>, url: URL, local: boolean): Promise<QueryResponse> {
    const info = this.host.storeInfo(route.store);
    if (info === undefined) {
      throw new QueryError(404, 'UNKNOWN_STORE', `no queryable store named "${route.store}" (stores: ${this.host.storeNames().join(', ') || 'none'})`);
    }
    const query = toStoreQuery(info, route);
    checkQueryFits(info, query);
    if (!isKeyQuery(query) && route.standby) throw badRequest('standby=true applies to key queries only: range queries are answered by the active replicas');
    const state = this.host.state;
    const queryable = state === StreamsStates.RUNNING || (route.standby && state === StreamsStates.REBALANCING);
    if (!queryable) throw unavailable(`store "${info.name}" is not queryable now: this instance is ${state} (rebalancing or restoring); retry shortly${route.standby ? '' : ', or pass standby=true to accept a standby replica'}`);
    const self = this.host.self;
    if (local || self === undefined || info.global) return this.#local(info, query, route.standby, !isKeyQuery(query));
    const pathAndQuery = url.pathname + url.search;
    if (isKeyQuery(query)) {
      const meta = this.host.keyMetadata(info.name, query.key, info.keySerde);
      if (meta === undefined) throw unavailable(`the owner of this key in "${info.name}" is not known yet (no assignment); retry shortly`);
      const candidates = [meta.activeHost, ...(route.standby ? meta.standbyHosts : [])].filter((h): h is HostInfo => h !== undefined);
      if (candidates.length === 0) throw unavailable(`no instance holds partition ${meta.partition} of "${info.name}" right now; retry shortly`);
      if (candidates.some((h) => sameHost(h, self))) return this.#local(info, query, route.standby, false);
      const failures: string[] = [];
      for (const h of candidates) {
        try {
          return await this.forward(h, pathAndQuery);
        } catch (e) {
          failures.push(`${hostKey(h)}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      throw unavailable(`the instances holding this key cannot be reached (${failures.join('; ')}); retry shortly`);
    }
    return this.#fanOut(info, query, pathAndQuery, self);
  }

  /** Range queries: every instance's active share, merged (see the file comment). */
  async #fanOut(info: StoreInfo, query: StoreQuery, pathAndQuery: string, self: HostInfo): Promise<QueryResponse> {
    const others = this.host.hosts().filter((h) => !sameHost(h, self));
    const parts = await Promise.all([
      Promise.resolve(this.#local(info, query, false, true)),
      ...others.map((h) =>
        this.forward(h, pathAndQuery).then(
          (r) => r,
          (e: unknown) => {
            throw unavailable(`instance ${hostKey(h)} cannot be reached (${e instanceof Error ? e.message : String(e)}); its share of "${info.name}" is unknown; retry shortly`);
          },
        ),
      ),
    ]);
    const entries: QueryEntry[] = [];
    for (const p of parts) {
      if (p.status !== 200) return p; // that instance's error (e.g. 503 while it rebalances) is the answer
      entries.push(...(p.body as { entries: QueryEntry[] }).entries);
    }
    return { status: 200, body: { store: info.name, entries: sortEntries(info, info.serdeTopic, entries) } };
  }

  #local(info: StoreInfo, query: StoreQuery, standby: boolean, emptyIsAnswer: boolean): QueryResponse {
    const stores = this.host.localStores(info.name, standby);
    const servedBy = this.host.self === undefined ? 'local' : hostKey(this.host.self);
    if (stores.length === 0 && !emptyIsAnswer) {
      throw unavailable(`this instance holds no ${standby ? 'active or standby' : 'active'} replica of the key's partition of "${info.name}" (the assignment is moving); retry shortly`);
    }
    const entries = queryLocal(info, stores, query);
    if (query.op === 'get') {
      const [entry] = entries;
      if (entry === undefined) return { status: 404, body: { error: { code: 'KEY_NOT_FOUND', message: `no value for this key in "${info.name}"` } }, servedBy };
      return { status: 200, body: { store: info.name, ...entry }, servedBy };
    }
    // versions are one key's, already in the order asked for
    return { status: 200, body: { store: info.name, entries: query.op === 'versions' ? entries : sortEntries(info, info.serdeTopic, entries) }, servedBy };
  }
}

/** The typed query for a parsed route: keys decoded through the store's key serde. */
export function toStoreQuery(info: StoreInfo, route: Extract<ParsedRoute, { route: 'store' }>): StoreQuery {
  const key = (text: string): unknown => decodeKey(text, route.keyFormat, info.keySerde, info.serdeTopic);
  switch (route.op) {
    case 'get':
      return { op: 'get', key: key(route.key!), asOf: route.asOf };
    case 'versions':
      return { op: 'versions', key: key(route.key!), range: { fromTime: route.timeFrom, toTime: route.timeTo, order: route.order } };
    case 'range':
      return { op: 'range', ...(route.from !== undefined ? { from: key(route.from) } : {}), ...(route.to !== undefined ? { to: key(route.to) } : {}) };
    case 'windows':
      return { op: 'windows', key: key(route.key!), from: route.timeFrom!, to: route.timeTo! };
    case 'allWindows':
      return { op: 'allWindows', from: route.timeFrom!, to: route.timeTo! };
    case 'sessions':
      return { op: 'sessions', key: key(route.key!) };
  }
}
